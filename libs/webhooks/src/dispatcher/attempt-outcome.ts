import { type BackoffPolicy, retryDelayMs } from '../backoff';
import type { Random } from '../clock';

/**
 * What one POST came to: an HTTP answer, none (timeout, refused connection, …), or not sent at all
 * because the URL or the address its host resolved to may not receive webhooks.
 */
export type PostResult =
  | { readonly kind: 'response'; readonly statusCode: number }
  | { readonly kind: 'error'; readonly error: string }
  | { readonly kind: 'refused'; readonly reason: string };

/** What an attempt records as its error: the transport's, or `refused: <why>`. */
export const errorOf = (result: PostResult): string | null =>
  result.kind === 'error' ? result.error : result.kind === 'refused' ? `refused: ${result.reason}` : null;

/** What happens to the delivery after an attempt. */
export type NextStep =
  | { readonly outcome: 'delivered' }
  | { readonly outcome: 'retry'; readonly nextAttemptAt: Date }
  | { readonly outcome: 'dead' };

export const isSuccess = (result: PostResult): boolean =>
  result.kind === 'response' && result.statusCode >= 200 && result.statusCode < 300;

/**
 * A 2xx delivers. Anything else (redirects included: they are not followed) is a failure, retried
 * after a jittered backoff unless attempt number `attemptNo` was the last one allowed. A refused URL
 * or address is a failure like the others (ADR 0022): DNS answers and the operator's allow-list
 * change, and a retry that is refused again costs a DNS lookup, no connection.
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
