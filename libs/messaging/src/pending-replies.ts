import { ProblemError } from '@platform/contracts';

interface Waiter {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly timer: NodeJS.Timeout;
}

/** How long a caller refused because the request could not be sent should wait (`Retry-After`, s). */
export const SEND_FAILED_RETRY_AFTER_SECONDS = 5;

/**
 * The waiting half of request-reply, without any transport: requests waiting for their reply by
 * request id, each with its deadline. The send and the wait run side by side and settle one promise,
 * the one {@link request} returns, whichever comes first:
 *
 * - the reply arrives ({@link settle}): it resolves with the reply;
 * - the send fails: it rejects at once with a 503 `unavailable` problem (with `Retry-After`), not
 *   after the deadline;
 * - the deadline passes: it rejects with a 504 `timeout` problem (the request may still be carried out).
 *
 * No other promise is left behind: a send that fails after the deadline, or a reply after a
 * failed send, is dropped (an earlier version awaited the send before the wait, so a wait that
 * timed out meanwhile rejected with nobody listening and the process died on it).
 *
 * @example
 * const replies = new PendingReplies();
 * const reply = replies.request(id, () => producer.send(message), 10_000);
 * // on the reply topic: replies.settle(causationId, value)
 */
export class PendingReplies {
  private readonly waiters = new Map<string, Waiter>();

  request(requestId: string, send: () => Promise<void>, timeoutMs: number): Promise<unknown> {
    const reply = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(
          requestId,
          new ProblemError('timeout', `no answer within ${timeoutMs} ms; the request may still complete`),
        );
      }, timeoutMs);
      this.waiters.set(requestId, { resolve, reject, timer });
    });
    Promise.resolve()
      .then(send)
      .catch((error: unknown) => {
        this.fail(requestId, sendFailed(error));
      });
    return reply;
  }

  /** Resolves the request's wait with its reply; false if nobody waits (a late or stray reply). */
  settle(requestId: string, reply: () => unknown): boolean {
    const waiter = this.take(requestId);
    if (!waiter) return false;
    try {
      waiter.resolve(reply());
    } catch (error) {
      waiter.reject(error);
    }
    return true;
  }

  /** Ends the request's wait with `error` (no-op if it has ended already). */
  fail(requestId: string, error: unknown): void {
    this.take(requestId)?.reject(error);
  }

  /** Ends every wait with `error` (shutdown). */
  failAll(error: unknown): void {
    for (const id of [...this.waiters.keys()]) this.fail(id, error);
  }

  get size(): number {
    return this.waiters.size;
  }

  private take(requestId: string): Waiter | undefined {
    const waiter = this.waiters.get(requestId);
    if (!waiter) return undefined;
    this.waiters.delete(requestId);
    clearTimeout(waiter.timer);
    return waiter;
  }
}

/** A send that failed: the request was not handed over, so the caller may retry it (503). */
function sendFailed(error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  const problem = new ProblemError(
    'unavailable',
    'the request could not be handed to Kafka; retry later',
    undefined,
    { 'retry-after': String(SEND_FAILED_RETRY_AFTER_SECONDS) },
  );
  problem.cause = error; // for the log line of the 503, not for the client
  return problem;
}
