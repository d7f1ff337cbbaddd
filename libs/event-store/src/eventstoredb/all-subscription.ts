import { START, type Position } from '@kurrent/kurrentdb-client';
import type { AllSubscription, GlobalEvent } from '../event-store.port';
import type { AllReadPlan, LogEntry } from './all-filter';
import { isAfter, laterOf, lastLogPosition, readLog, toLogEntry } from './global-log';
import type { AllStreamFeed, KurrentClient } from './kurrent-client';

// A catch-up subscription in two phases. First a read of `$all` to its end, which delivers
// everything committed when the subscription started and then resolves `caughtUp`. Then a filtered
// catch-up subscription from where the read stopped, which follows new commits. Positions only move
// forwards: anything at or before the last delivered position is dropped, so the seam between the
// phases neither skips nor repeats an event.

export interface CatchUpOptions {
  /** Deliver what comes after this position (exclusive); default: from the start. */
  after?: Position;
  /** Resolves to the read plan (it may need the tenant's purge marker). */
  plan: () => Promise<AllReadPlan>;
  handler: (event: GlobalEvent) => Promise<void>;
  onError?: (error: unknown) => void;
}

/** The handler refused an event: the subscription stops, even while stopping. */
class HandlerFailure extends Error {
  constructor(override readonly cause: unknown) {
    super('the subscription handler failed', { cause });
  }
}

export class CatchUpSubscription implements AllSubscription {
  readonly caughtUp: Promise<void>;
  /** Settles once the subscription has stopped, for whatever reason (rejects only if onError threw). */
  readonly finished: Promise<void>;
  private settleCaughtUp: (error?: unknown) => void = () => undefined;
  private stopping = false;
  private feed: AllStreamFeed | undefined;
  /** The position of the last event delivered, or the starting point. */
  private last: Position | undefined;

  constructor(
    private readonly client: KurrentClient,
    private readonly options: CatchUpOptions,
  ) {
    this.last = options.after;
    this.caughtUp = new Promise<void>((resolve, reject) => {
      this.settleCaughtUp = (error) => {
        if (error === undefined) resolve();
        else reject(error instanceof Error ? error : new Error('the subscription failed', { cause: error }));
      };
    });
    // Whoever awaits `caughtUp` sees a failure; nobody has to.
    this.caughtUp.catch(() => undefined);
    this.finished = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.closeFeed();
    await this.finished;
  }

  private async run(): Promise<void> {
    try {
      const plan = await this.options.plan();
      const end = await lastLogPosition(this.client);
      for await (const entry of readLog(this.client, { after: this.last, plan })) {
        if (this.stopping) break;
        await this.deliver(entry);
      }
      if (this.stopping) throw new Error('the subscription was stopped before it caught up');
      this.settleCaughtUp();
      // Everything up to `end` was read: resume after it, or after the last event delivered.
      await this.follow(plan, laterOf(this.last, end));
    } catch (error) {
      const failure = error instanceof HandlerFailure ? error.cause : error;
      this.settleCaughtUp(failure);
      if (this.stopping && !(error instanceof HandlerFailure)) return;
      this.options.onError?.(failure);
    } finally {
      await this.closeFeed();
    }
  }

  private async follow(plan: AllReadPlan, from: Position | undefined): Promise<void> {
    const feed = this.client.subscribeToAll({ fromPosition: from ?? START, filter: plan.server });
    this.feed = feed;
    if (this.stopping) return;
    for await (const resolved of feed) {
      const entry = toLogEntry(resolved);
      if (entry === undefined || !isAfter(entry.position, this.last) || !plan.accepts(entry)) continue;
      if (this.stopping) return;
      await this.deliver(entry);
    }
    if (!this.stopping) throw new Error('the server ended the subscription to $all');
  }

  private async deliver(entry: LogEntry): Promise<void> {
    try {
      await this.options.handler(entry.event);
    } catch (error) {
      throw new HandlerFailure(error);
    }
    this.last = entry.position;
  }

  private async closeFeed(): Promise<void> {
    const feed = this.feed;
    if (feed === undefined) return;
    this.feed = undefined;
    await feed.unsubscribe().catch(() => undefined);
    feed.destroy();
  }
}
