import { eventually } from '@platform/testing';
import type { GlobalEvent } from '../event-store.port';
import { fakeCheckpoint as checkpointOf, fakeGlobalLog as fakeLog } from '../testing/fake-global-log';
import { type GlobalLogSource, startPollingSubscription } from './polling-subscription';
import { WakeCounter } from './wake-signal';

const positionsOf = (events: GlobalEvent[]): number[] => events.map((e) => e.globalPosition);
const polling = { batchSize: 2, pollIntervalMs: 5 };

describe('startPollingSubscription', () => {
  it('delivers the backlog in batches, resolves caughtUp, then follows new events', async () => {
    const { source, append } = fakeLog(5);
    const seen: GlobalEvent[] = [];
    const subscription = startPollingSubscription(
      source,
      { handler: async (e) => void seen.push(e) },
      polling,
    );

    await subscription.caughtUp;
    expect(positionsOf(seen)).toEqual([1, 2, 3, 4, 5]);

    append();
    append();
    await eventually(() => expect(positionsOf(seen)).toEqual([1, 2, 3, 4, 5, 6, 7]));
    await subscription.stop();
  });

  it('resumes after a checkpoint, exclusively', async () => {
    const { source } = fakeLog(4);
    const seen: GlobalEvent[] = [];
    const subscription = startPollingSubscription(
      source,
      { fromCheckpoint: checkpointOf(2), handler: async (e) => void seen.push(e) },
      polling,
    );

    await subscription.caughtUp;
    await subscription.stop();
    expect(positionsOf(seen)).toEqual([3, 4]);
  });

  it('is caught up at once on an empty log, or when starting at its head', async () => {
    const empty = startPollingSubscription(fakeLog(0).source, { handler: async () => undefined }, polling);
    const atHead = startPollingSubscription(
      fakeLog(3).source,
      { fromCheckpoint: checkpointOf(3), handler: async () => undefined },
      polling,
    );

    await expect(Promise.all([empty.caughtUp, atHead.caughtUp])).resolves.toEqual([undefined, undefined]);
    await Promise.all([empty.stop(), atHead.stop()]);
  });

  it('stops after the event in progress, and delivers nothing more', async () => {
    const { source, append } = fakeLog(3);
    const seen: GlobalEvent[] = [];
    let stopping: Promise<void> | undefined;
    const subscription = startPollingSubscription(
      source,
      {
        handler: async (e) => {
          seen.push(e);
          if (e.globalPosition === 1) stopping = subscription.stop();
        },
      },
      polling,
    );

    await eventually(() => expect(stopping).toBeDefined());
    await stopping;
    append();
    await subscription.stop();
    expect(positionsOf(seen)).toEqual([1]);
    await expect(subscription.caughtUp).rejects.toThrow(/stopped before it caught up/);
  });

  it('stops on a failing handler without moving past the event, and reports the error', async () => {
    const { source } = fakeLog(3);
    const failure = new Error('handler failed');
    const errors: unknown[] = [];
    const handled: number[] = [];
    const subscription = startPollingSubscription(
      source,
      {
        handler: async (e) => {
          if (e.globalPosition === 2) throw failure;
          handled.push(e.globalPosition);
        },
        onError: (error) => errors.push(error),
      },
      polling,
    );

    await expect(subscription.caughtUp).rejects.toBe(failure);
    await subscription.stop();
    expect(handled).toEqual([1]);
    expect(errors).toEqual([failure]);

    const resumed: number[] = [];
    const again = startPollingSubscription(
      source,
      { fromCheckpoint: checkpointOf(1), handler: async (e) => void resumed.push(e.globalPosition) },
      polling,
    );
    await again.caughtUp;
    await again.stop();
    expect(resumed).toEqual([2, 3]);
  });

  it('reports a failing read as an error and stops', async () => {
    const { source } = fakeLog(1);
    const errors: unknown[] = [];
    const broken: GlobalLogSource = { ...source, readBatch: () => Promise.reject(new Error('no database')) };
    const subscription = startPollingSubscription(
      broken,
      { handler: async () => undefined, onError: (error) => errors.push(error) },
      polling,
    );

    await expect(subscription.caughtUp).rejects.toThrow('no database');
    await subscription.stop();
    expect(errors).toHaveLength(1);
  });

  it('waits for an event committed at the start but not readable yet, and never passes it', async () => {
    const log = fakeLog(2);
    log.append({ readable: false });
    log.append();
    const seen: GlobalEvent[] = [];
    const subscription = startPollingSubscription(
      log.source,
      { handler: async (e) => void seen.push(e) },
      polling,
    );
    let caughtUp = false;
    void subscription.caughtUp.then(() => (caughtUp = true));

    await eventually(() => expect(log.reads.length).toBeGreaterThan(3));
    expect(positionsOf(seen)).toEqual([1, 2]);
    expect(caughtUp).toBe(false);

    log.release();
    await subscription.caughtUp;
    expect(positionsOf(seen)).toEqual([1, 2, 3, 4]);
    await subscription.stop();
  });

  it('is caught up when the read has passed a head that disappeared (a purge)', async () => {
    const log = fakeLog(2);
    log.append({ readable: false });
    const seen: GlobalEvent[] = [];
    const subscription = startPollingSubscription(
      log.source,
      { handler: async (e) => void seen.push(e) },
      polling,
    );
    await eventually(() => expect(positionsOf(seen)).toEqual([1, 2]));

    log.remove(3);
    log.release();
    await subscription.caughtUp;
    await subscription.stop();
    expect(positionsOf(seen)).toEqual([1, 2]);
  });

  it('reads again at once after a full batch, and pauses after a short one', async () => {
    const { source, reads } = fakeLog(4);
    const subscription = startPollingSubscription(
      source,
      { handler: async () => undefined },
      {
        batchSize: 2,
        pollIntervalMs: 60_000,
      },
    );

    await subscription.caughtUp;
    await eventually(() => expect(reads).toEqual([undefined, checkpointOf(2), checkpointOf(4)]));
    await subscription.stop();
    expect(reads).toHaveLength(3);
  });

  describe('with a wake signal (ADR 0016)', () => {
    const waking = (wakes: WakeCounter) => ({ ...polling, wake: { signal: wakes, fallbackPollMs: 60_000 } });

    it('reads when woken, not on every poll', async () => {
      const { source, append, reads } = fakeLog(1);
      const wakes = new WakeCounter();
      const seen: GlobalEvent[] = [];
      const subscription = startPollingSubscription(
        source,
        { handler: async (e) => void seen.push(e) },
        waking(wakes),
      );
      await subscription.caughtUp;
      await eventually(() => expect(reads.length).toBeGreaterThan(0));
      const readsWhenLive = reads.length;

      append();
      wakes.wake();

      await eventually(() => expect(positionsOf(seen)).toEqual([1, 2]));
      // the backlog read, one read after the wake-up, and no polling every 5 ms in between
      expect(reads.length).toBeLessThanOrEqual(readsWhenLive + 2);
      await subscription.stop();
    });

    it('polls while a woken read is held back by an older transaction, with no further wake-up', async () => {
      const { source, append, release, reads } = fakeLog(0);
      const wakes = new WakeCounter();
      const seen: GlobalEvent[] = [];
      const subscription = startPollingSubscription(
        source,
        { handler: async (e) => void seen.push(e) },
        waking(wakes),
      );
      await subscription.caughtUp;

      append({ readable: false });
      append();
      const before = reads.length;
      wakes.wake();
      await eventually(() => expect(reads.length).toBeGreaterThan(before)); // the woken read, held back
      release(); // the older transaction ends: nothing wakes the subscription

      await eventually(() => expect(positionsOf(seen)).toEqual([1, 2]), { timeoutMs: 2_000 });
      await subscription.stop();
    });
  });
});
