// The retry schedule: exponential backoff with full jitter (AWS Architecture Blog, "Exponential
// Backoff And Jitter"). Pure: the random source is an argument.
import type { Random } from './clock';

export interface BackoffPolicy {
  /** Ceiling of the delay after the first failed attempt, in ms; it doubles after each failure. */
  readonly baseMs: number;
  /** No delay is longer than this, in ms. */
  readonly capMs: number;
  /** Attempts in total (the first one included) before a delivery goes to the dead-letter list. */
  readonly maxAttempts: number;
}

/** Ceilings 30 s, 1 min, 2 min … 32 min: up to about an hour of retries over 8 attempts. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 30_000, capMs: 3_600_000, maxAttempts: 8 };

/** Returns `policy` if every field is a sensible integer, otherwise throws a TypeError. */
export function assertBackoffPolicy(policy: BackoffPolicy): BackoffPolicy {
  const { baseMs, capMs, maxAttempts } = policy;
  if (!Number.isSafeInteger(baseMs) || baseMs < 1) throw new TypeError(`baseMs must be an integer >= 1`);
  if (!Number.isSafeInteger(capMs) || capMs < baseMs)
    throw new TypeError(`capMs must be an integer >= baseMs`);
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
    throw new TypeError(`maxAttempts must be an integer >= 1`);
  }
  return policy;
}

/** The largest delay after failed attempt number `attempt` (1-based): `min(cap, base * 2^(attempt-1))`. */
export function backoffCeilingMs(attempt: number, policy: BackoffPolicy): number {
  if (!Number.isSafeInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be an integer >= 1`);
  // 2 ** 1100 is Infinity, which min() turns into the cap: no overflow for any attempt number.
  return Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
}

/**
 * The delay before the next try after failed attempt number `attempt`: uniform in
 * `[0, backoffCeilingMs(attempt)]` ("full jitter"), so that receivers coming back from an outage are
 * not hit by every retry at once.
 */
export function retryDelayMs(attempt: number, policy: BackoffPolicy, random: Random): number {
  const ceiling = backoffCeilingMs(attempt, policy);
  const draw = random();
  if (!(draw >= 0 && draw <= 1)) throw new RangeError(`random() must return a number in [0, 1); got ${draw}`);
  return Math.floor(draw * ceiling);
}
