import { createRequire } from 'node:module';

/** The part of kafkajs's (untyped, internal) per-connection request queue that the fix touches. */
interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs's retry pause for requests waiting behind the in-flight limit when not throttled. */
const PENDING_RECHECK_MS = 10;

let installed = false;

/**
 * kafkajs 2.2.4 re-arms a timer after every check of a connection's pending requests, with a
 * negative delay (`throttledUntil` is -1 when not throttled) that Node runs after 1 ms: from the
 * first reply on, every broker connection wakes the process a thousand times a second, forever
 * (tulios/kafkajs#1556, #1704; unfixed upstream). That loop was most of an idle service's CPU. Here a
 * check is scheduled only when requests are waiting: at the end of the throttle, or shortly when
 * they wait for an in-flight slot (a reply also checks the queue). Idempotent.
 */
export function installRequestQueueTimerFix(): void {
  if (installed) return;
  installed = true;
  const load = createRequire(require.resolve('kafkajs'));
  const RequestQueue = load('./src/network/requestQueue') as { prototype: RequestQueueInternals };
  RequestQueue.prototype.scheduleCheckPendingRequests = function schedule(this: RequestQueueInternals) {
    if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
    const throttledFor = this.throttledUntil - Date.now();
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      throttledFor > 0 ? throttledFor : PENDING_RECHECK_MS,
    );
  };
}
