import type { RateLimitPolicy } from './rate-limit-policy';

/** The outcome of one request against a budget. */
export interface RateLimitDecision {
  /** Whether the request may proceed (it was counted either way). */
  readonly allowed: boolean;
  /** Requests left in the current window (0 once refused). */
  readonly remaining: number;
  /** Milliseconds until the current window ends and the quota is whole again. */
  readonly resetMs: number;
}

/**
 * Counts requests against a shared budget per key (a tenant id) under a {@link RateLimitPolicy}.
 * Every instance of a service that uses the same store shares the budget. A key keeps its count
 * when its policy changes (a plan change): the new quota applies to what was already spent.
 *
 * Tolerance of the PostgreSQL adapter (ADR 0014), while PostgreSQL answers: a key never gets more
 * than `quota` per window, however many instances; it may be refused early by at most one lease
 * (`leaseSizing(policy).size`, 5 % of the quota) per other instance, budget leased to an instance
 * that has not spent it. `remaining` is this instance's view: the window's rest at its last lease
 * statement plus its own unused lease. While PostgreSQL fails, each instance counts the full quota
 * on its own.
 *
 * @example
 * const decision = await limiter.consume(tenantId, { name: 'free', quota: 10, windowSeconds: 2 });
 * if (!decision.allowed) throw new ProblemError('rateLimited', `retry in ${decision.resetMs} ms`);
 */
export interface RateLimiter {
  consume(key: string, policy: RateLimitPolicy): Promise<RateLimitDecision>;
  close(): Promise<void>;
}

/** Nest token of the process's {@link RateLimiter}. */
export const RATE_LIMITER = Symbol('RATE_LIMITER');

/** Nest token of the plans' rate limits ({@link PlanRateLimits}). */
export const RATE_LIMIT_PLANS = Symbol('RATE_LIMIT_PLANS');
