import { setTimeout as sleep } from 'node:timers/promises';
import type { AllSubscription, Checkpoint, GlobalEvent, SubscribeToAllOptions } from '../event-store.port';

/** One read of the global log. */
export interface GlobalLogBatch {
  /** Matching events after the cursor, in log order. */
  events: readonly GlobalEvent[];
  /**
   * How far this read covered the log: every matching event at or before this checkpoint (and after
   * the cursor) is in `events`, and none can appear there later. At least the last event's
   * checkpoint; beyond it when the read found the end of what is readable. `undefined`: not known.
   */
  readUpTo: Checkpoint | undefined;
}

/** What a catch-up read needs from an adapter's global log, with the filter already applied. */
export interface GlobalLogSource {
  /** Up to `limit` matching events after `after` (exclusive; `undefined`: the beginning). */
  readBatch(after: Checkpoint | undefined, limit: number): Promise<GlobalLogBatch>;
  /** The checkpoint of the last matching event committed now; `undefined` when there is none. */
  readHead(): Promise<Checkpoint | undefined>;
  /** Negative, zero or positive as `a` is before, at or after `b` in the log. */
  compare(a: Checkpoint, b: Checkpoint): number;
}

export interface PollingOptions {
  /** Events read per query. */
  batchSize: number;
  /** Pause after a read that found fewer than `batchSize` events (the subscription is live). */
  pollIntervalMs: number;
}

/**
 * A catch-up subscription by polling: reads batches after its cursor and hands them over one at a
 * time; once a read comes back short it is live, and reads again every `pollIntervalMs`. The cursor
 * moves only after the handler returned, so an event is never skipped, and each is delivered once.
 */
export function startPollingSubscription(
  source: GlobalLogSource,
  options: Pick<SubscribeToAllOptions, 'fromCheckpoint' | 'handler' | 'onError'>,
  polling: PollingOptions,
): AllSubscription {
  return new PollingSubscription(source, options, polling);
}

class PollingSubscription implements AllSubscription {
  readonly caughtUp: Promise<void>;
  private readonly stopping = new AbortController();
  private readonly done: Promise<void>;
  private settleCaughtUp: (error?: unknown) => void = () => undefined;

  constructor(
    private readonly source: GlobalLogSource,
    private readonly options: Pick<SubscribeToAllOptions, 'fromCheckpoint' | 'handler' | 'onError'>,
    private readonly polling: PollingOptions,
  ) {
    this.caughtUp = new Promise<void>((resolve, reject) => {
      let settled = false;
      this.settleCaughtUp = (error?: unknown) => {
        if (settled) return;
        settled = true;
        if (error === undefined) resolve();
        else reject(error instanceof Error ? error : new Error('the subscription failed', { cause: error }));
      };
    });
    // A caller that never awaits `caughtUp` must not see an unhandled rejection.
    this.caughtUp.catch(() => undefined);
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.done;
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private async run(): Promise<void> {
    try {
      await this.follow();
      this.settleCaughtUp(new Error('the subscription was stopped before it caught up'));
    } catch (error) {
      this.settleCaughtUp(error);
      try {
        this.options.onError?.(error);
      } catch {
        // a failing error callback must not turn stop() into a rejection
      }
    }
  }

  private async follow(): Promise<void> {
    const head = await this.source.readHead();
    const atOrAfterHead = (checkpoint: Checkpoint | undefined): boolean =>
      head === undefined || (checkpoint !== undefined && this.source.compare(checkpoint, head) >= 0);
    let cursor = this.options.fromCheckpoint;
    if (atOrAfterHead(cursor)) this.settleCaughtUp();

    while (!this.stopped) {
      const { events, readUpTo } = await this.source.readBatch(cursor, this.polling.batchSize);
      for (const event of events) {
        if (this.stopped) return;
        await this.options.handler(event);
        cursor = event.checkpoint;
        if (atOrAfterHead(cursor)) this.settleCaughtUp();
      }
      // the head itself may never come: purged since the start
      if (atOrAfterHead(readUpTo)) this.settleCaughtUp();
      if (events.length < this.polling.batchSize) await this.pause();
    }
  }

  private async pause(): Promise<void> {
    try {
      await sleep(this.polling.pollIntervalMs, undefined, { signal: this.stopping.signal });
    } catch {
      // stop() cut the pause short
    }
  }
}
