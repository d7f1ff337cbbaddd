import type { RateLimitPolicy } from '../rate-limit-policy';

/**
 * A lease is this share of the quota (ADR 0014): 5 %, i.e. a twentieth of a window's worth of the
 * plan's rate (100 ms of traffic at full rate for the 2 s windows of today's plans). Small enough
 * that budget parked on an idle instance is a small part of the quota; large enough that a tenant at
 * full rate costs a statement every few dozen requests, not one per request.
 */
const QUOTA_SHARE_PER_LEASE = 20;

/** How much budget an instance leases for a tenant, and when it tops the lease up. */
export interface LeaseSizing {
  /** The most unused budget an instance holds for a tenant at once: one lease. */
  readonly size: number;
  /**
   * A lease with this much or less left is topped up in the background, ahead of need (a quarter of
   * it: at a plan's full rate through one instance, the time a statement has before requests wait).
   */
  readonly refillAt: number;
}

/**
 * The lease of a policy: `size = max(1, floor(quota / 20))`, topped up to `size` when
 * `floor(size / 4)` or less is left. `free` (10 per 2 s) leases 1 and tops up when spent,
 * `standard` (100) leases 5 and tops up at 1, `enterprise` (1,000) leases 50 and tops up at 12.
 *
 * @example
 * leaseSizing({ name: 'enterprise', quota: 1_000, windowSeconds: 2 }); // { size: 50, refillAt: 12 }
 */
export function leaseSizing(policy: RateLimitPolicy): LeaseSizing {
  const size = Math.max(1, Math.floor(policy.quota / QUOTA_SHARE_PER_LEASE));
  return { size, refillAt: Math.floor(size / 4) };
}
