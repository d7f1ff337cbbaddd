import { type BackoffPolicy, retryDelayMs } from '../backoff';
import type { Random } from '../clock';

/** What one POST came to: an HTTP answer, or none (timeout, refused connection, …). */
export type PostResult =
  | { readonly kind: 'response'; readonly statusCode: number }
  | { readonly kind: 'error'; readonly error: string };

/** What happens to the delivery after an attempt. */
export type NextStep =
  | { readonly outcome: 'delivered' }
  | { readonly outcome: 'retry'; readonly nextAttemptAt: Date }
  | { readonly outcome: 'dead' };

export const isSuccess = (result: PostResult): boolean =>
  result.kind === 'response' && result.statusCode >= 200 && result.statusCode < 300;

/**
 * A 2xx delivers. Anything else (redirects included: they are not followed) is a failure, retried
 * after a jittered backoff unless attempt number `attemptNo` was the last one allowed.
 */
export function nextStep(
  result: PostResult,
  attemptNo: number,
  policy: BackoffPolicy,
  now: Date,
  random: Random,
): NextStep {
  if (isSuccess(result)) return { outcome: 'delivered' };
  if (attemptNo >= policy.maxAttempts) return { outcome: 'dead' };
  return {
    outcome: 'retry',
    nextAttemptAt: new Date(now.getTime() + retryDelayMs(attemptNo, policy, random)),
  };
}
