import { type TenantPlan } from './tenants.events';

export interface PlanLimits {
  /**
   * Per tenant: a sustained rate and the burst above it; beyond it, `429`. The gateway enforces it as
   * `burst` requests per `burst / requestsPerSecond` seconds, shared by its instances (ADR 0008).
   */
  readonly rateLimit: { readonly requestsPerSecond: number; readonly burst: number };
  readonly quotas: {
    readonly maxOrdersPerMonth: number;
    readonly maxApiKeys: number;
    readonly maxWebhooks: number;
    readonly maxStorageMb: number;
  };
  /** Where a tenant may be placed: only the policy's default region, or any region it allows. */
  readonly placement: 'default-region' | 'any-allowed-region';
}

/**
 * Rate limits, quotas and placement of every plan: the one place they are read from (the gateway's
 * rate limits, the command service's quotas, the registry's key and webhook quotas). The README's
 * plans table is rendered from it (`plansMarkdownTable` in tenants-domain) and a test keeps the two equal.
 */
export const PLANS: Readonly<Record<TenantPlan, PlanLimits>> = {
  free: {
    rateLimit: { requestsPerSecond: 5, burst: 10 },
    quotas: { maxOrdersPerMonth: 1_000, maxApiKeys: 2, maxWebhooks: 1, maxStorageMb: 100 },
    placement: 'default-region',
  },
  standard: {
    rateLimit: { requestsPerSecond: 50, burst: 100 },
    quotas: { maxOrdersPerMonth: 100_000, maxApiKeys: 10, maxWebhooks: 10, maxStorageMb: 10_240 },
    placement: 'any-allowed-region',
  },
  enterprise: {
    rateLimit: { requestsPerSecond: 500, burst: 1_000 },
    quotas: { maxOrdersPerMonth: 10_000_000, maxApiKeys: 100, maxWebhooks: 50, maxStorageMb: 512_000 },
    placement: 'any-allowed-region',
  },
};
