export interface RetryPolicy {
  /** Ceiling of the first retry's delay, in ms; it doubles with each failed attempt. */
  readonly baseMs: number;
  /** Largest ceiling, in ms. */
  readonly capMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 500, capMs: 60_000 };

/**
 * Exponential backoff with full jitter: after the `attempt`-th failure (1, 2, 3 …) wait a uniformly
 * random time in [0, min(cap, base · 2^(attempt-1))], so that tenants failing together do not retry
 * together. `random` returns a number in [0, 1).
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}
