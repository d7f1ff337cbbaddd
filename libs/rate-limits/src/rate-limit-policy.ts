/** A plan's published rate limit: a sustained rate and the burst a tenant may send above it. */
export interface PlanRateLimit {
  readonly requestsPerSecond: number;
  readonly burst: number;
}

/**
 * The rate limit of every plan, keyed by plan name: the shape of `PLANS` in `@platform/contracts`,
 * which the service passes in (it stays the one place limits live).
 */
export type PlanRateLimits = Readonly<Record<string, { readonly rateLimit: PlanRateLimit }>>;

/**
 * What the limiter enforces and the `RateLimit-Policy` header announces: at most `quota` requests
 * per window of `windowSeconds`, the window starting with the first request after the last one
 * ended. `name` identifies the policy in the headers (the plan's name).
 */
export interface RateLimitPolicy {
  readonly name: string;
  readonly quota: number;
  readonly windowSeconds: number;
}

/**
 * A plan's rate limit as a window quota (ADR 0008): the whole burst is the quota, and the window is
 * as long as the sustained rate takes to send it, `w = ceil(burst / requestsPerSecond)` (at least
 * 1 s, since the headers carry whole seconds). A tenant then never gets more than `burst` at once
 * nor, over time, more than `requestsPerSecond`; both are exact when the burst is a whole multiple
 * of the rate, as for every plan today (`free`: 10 requests per 2 s).
 *
 * @example
 * policyForPlan('free', { free: { rateLimit: { requestsPerSecond: 5, burst: 10 } } });
 * // { name: 'free', quota: 10, windowSeconds: 2 }
 */
export function policyForPlan(plan: string, plans: PlanRateLimits): RateLimitPolicy {
  const limits = plans[plan]?.rateLimit;
  if (!limits) throw new Error(`no rate limit for plan ${JSON.stringify(plan)}`);
  const { requestsPerSecond, burst } = limits;
  if (!(requestsPerSecond > 0) || !Number.isFinite(requestsPerSecond)) {
    throw new Error(`plan ${plan}: requestsPerSecond must be a positive number; got ${requestsPerSecond}`);
  }
  if (!Number.isInteger(burst) || burst < 1) {
    throw new Error(`plan ${plan}: burst must be a positive integer; got ${burst}`);
  }
  return { name: plan, quota: burst, windowSeconds: Math.max(1, Math.ceil(burst / requestsPerSecond)) };
}
