import { setTimeout as sleep } from 'node:timers/promises';
import type { AllSubscription, Checkpoint, GlobalEvent, SubscribeToAllOptions } from '../event-store.port';
import type { WakeSignal } from './wake-signal';

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
  /**
   * Matching events after the cursor are committed but not readable yet: an older transaction is
   * still running. They will become readable without anything else being appended, so a woken
   * subscription keeps polling rather than waiting for the next wake. `undefined`: not known.
   */
  heldBack?: boolean;
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
  /**
   * Pause after a read that found fewer than `batchSize` events (the subscription is live). With
   * `wake`, only while events are held back (an older transaction is still running).
   */
  pollIntervalMs: number;
  /**
   * Reads when woken rather than every `pollIntervalMs`; then reads every `fallbackPollMs` when
   * nothing wakes it, in case a wake was missed (a lost connection, an append that does not notify).
   */
  wake?: { signal: WakeSignal; fallbackPollMs: number };
}

/**
 * A catch-up subscription: reads batches after its cursor and hands them over one at a time; once a
 * read comes back short it is live. Live, it reads again every `pollIntervalMs`, or, with a wake
 * signal, when woken (at the latest every `fallbackPollMs`), and every `pollIntervalMs` only while an
 * older running transaction holds events back. The cursor moves only after the handler returned, so
 * an event is never skipped, and each is delivered once.
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

    const { wake } = this.polling;
    while (!this.stopped) {
      // read before the read: a wake that comes during the read makes the wait below return at once
      const seen = wake?.signal.generation ?? 0;
      const { events, readUpTo, heldBack } = await this.source.readBatch(cursor, this.polling.batchSize);
      for (const event of events) {
        if (this.stopped) return;
        await this.options.handler(event);
        cursor = event.checkpoint;
        if (atOrAfterHead(cursor)) this.settleCaughtUp();
      }
      // the head itself may never come: purged since the start
      if (atOrAfterHead(readUpTo)) this.settleCaughtUp();
      if (events.length >= this.polling.batchSize) continue;
      if (wake === undefined || heldBack !== false) await this.pause();
      else await wake.signal.waitAfter(seen, wake.fallbackPollMs, this.stopping.signal);
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
