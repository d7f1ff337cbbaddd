import type { RateLimitPolicy } from './rate-limit-policy';
import type { RateLimitDecision } from './rate-limiter';

/**
 * The `RateLimit-Policy` and `RateLimit` fields of draft-ietf-httpapi-ratelimit-headers (structured
 * field lists of one item: the policy name as a string, with its parameters), sent on every
 * response to a limited request, allowed or refused.
 *
 * @example
 * rateLimitHeaders({ name: 'free', quota: 10, windowSeconds: 2 }, { allowed: true, remaining: 7, resetMs: 1_200 });
 * // { 'ratelimit-policy': '"free";q=10;w=2', ratelimit: '"free";r=7;t=2' }
 */
export function rateLimitHeaders(
  policy: RateLimitPolicy,
  decision: RateLimitDecision,
): { readonly 'ratelimit-policy': string; readonly ratelimit: string } {
  const name = structuredString(policy.name);
  return {
    'ratelimit-policy': `${name};q=${integer(policy.quota)};w=${integer(policy.windowSeconds)}`,
    ratelimit: `${name};r=${integer(decision.allowed ? decision.remaining : 0)};t=${secondsUntil(decision.resetMs)}`,
  };
}

/** `Retry-After` of a refused request: whole seconds until the window ends, at least 1. */
export function retryAfterSeconds(decision: RateLimitDecision): number {
  return Math.max(1, secondsUntil(decision.resetMs));
}

const secondsUntil = (ms: number): number => Math.max(0, Math.ceil(ms / 1_000));

/** An sf-integer: a non-negative whole number here (RFC 8941 section 3.3.1). */
function integer(value: number): string {
  return String(Math.max(0, Math.floor(value)));
}

/** An sf-string (RFC 8941 section 3.3.3): printable ASCII, `"` and `\` escaped. */
function structuredString(value: string): string {
  if (!/^[\x20-\x7e]*$/.test(value)) {
    throw new Error(`a rate limit policy name must be printable ASCII; got ${JSON.stringify(value)}`);
  }
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
