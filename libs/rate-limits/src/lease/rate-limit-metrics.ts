import { counter } from '@platform/observability';

/** Every decision, by policy and outcome (`allowed`, `limited`). */
export const decisionsTotal = counter(
  'rate_limit_decisions_total',
  'Rate-limited requests, by policy and outcome',
  ['policy', 'outcome'],
);

/** Decisions the in-memory insurance made because PostgreSQL failed, was slow or not ready. */
export const fallbacksTotal = counter(
  'rate_limit_store_fallbacks_total',
  'Requests counted by the in-memory insurance limiter because PostgreSQL failed or was not ready',
  ['policy'],
);

/**
 * Lease statements that PostgreSQL answered, by why they were sent: `refill` (in the background,
 * ahead of need), `demand` (requests were waiting), `return` (unused budget given back).
 */
export const leasesTotal = counter(
  'rate_limit_leases_total',
  'Lease statements answered by PostgreSQL, by policy and reason',
  ['policy', 'reason'],
);

/** Budget units granted to this instance by those statements. */
export const leasedUnitsTotal = counter(
  'rate_limit_leased_units_total',
  'Budget units leased from PostgreSQL by this instance, by policy',
  ['policy'],
);

/** Requests answered 429 rate-limited, by tenant (bounded: top tenants, opt-in, `other`) and plan. */
export const refusalsTotal = counter(
  'rate_limit_refusals_total',
  "Requests refused (429) because the tenant's rate limit was reached, by tenant and plan",
  ['tenant', 'plan'],
);
