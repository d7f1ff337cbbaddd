import { randomUUID } from 'node:crypto';
import { eventually } from '@platform/testing';
import type { AllFilter, AllSubscription, Checkpoint, EventStore, GlobalEvent } from '../../event-store.port';
import { collect, givenStream, idsOf, newEvent, newEvents, newStreamName, ofType } from './fixtures';

/** A subscription that records what it receives; `failOn` makes the handler throw for that event. */
function follow(
  store: EventStore,
  options: { filter: AllFilter; fromCheckpoint?: Checkpoint; failOn?: string },
): { subscription: AllSubscription; received: GlobalEvent[]; errors: unknown[] } {
  const received: GlobalEvent[] = [];
  const errors: unknown[] = [];
  const subscription = store.subscribeToAll({
    filter: options.filter,
    ...(options.fromCheckpoint !== undefined && { fromCheckpoint: options.fromCheckpoint }),
    handler: async (event) => {
      if (event.eventId === options.failOn) throw new Error(`handler refused ${event.eventId}`);
      received.push(event);
    },
    onError: (error) => errors.push(error),
  });
  return { subscription, received, errors };
}

export function describeSubscribeToAll(store: () => EventStore): void {
  describe('subscribe to all', () => {
    const running: AllSubscription[] = [];
    const start = (...args: Parameters<typeof follow>): ReturnType<typeof follow> => {
      const followed = follow(...args);
      running.push(followed.subscription);
      return followed;
    };
    afterEach(async () => {
      await Promise.all(running.splice(0).map((subscription) => subscription.stop()));
    });

    it('delivers the backlog, resolves caughtUp, then delivers new events live, each once, in order', async () => {
      const { tenantId, stream } = await givenStream(store(), 3);
      const backlog = await collect(() => store().readAll({ tenantId }));

      const { subscription, received } = start(store(), { filter: { tenantId } });
      await subscription.caughtUp;
      expect(idsOf(received)).toEqual(idsOf(backlog));

      const live = newEvents(tenantId, 2);
      await store().appendToStream(tenantId, stream, live.slice(0, 1), { expectedVersion: 3 });
      await store().appendToStream(tenantId, newStreamName(), live.slice(1), {
        expectedVersion: 'no-stream',
      });
      await eventually(() => expect(idsOf(received)).toEqual(idsOf([...backlog, ...live])), {
        what: 'live events delivered',
      });
      expect(received).toEqual(await collect(() => store().readAll({ tenantId })));
    });

    it('is caught up at once when nothing matches yet, and delivers what comes next', async () => {
      const tenantId = randomUUID();
      const { subscription, received } = start(store(), { filter: { tenantId } });
      await subscription.caughtUp;
      expect(received).toEqual([]);

      const event = newEvent(tenantId, 'first');
      await store().appendToStream(tenantId, newStreamName(), [event], { expectedVersion: 'no-stream' });
      await eventually(() => expect(idsOf(received)).toEqual([event.eventId]));
    });

    it('resumes after a checkpoint (a restart), exclusively', async () => {
      const { tenantId } = await givenStream(store(), 5);
      const all = await collect(() => store().readAll({ tenantId }));

      const { subscription, received } = start(store(), {
        filter: { tenantId },
        fromCheckpoint: all[2]?.checkpoint,
      });
      await subscription.caughtUp;

      expect(idsOf(received)).toEqual(idsOf(all.slice(3)));
    });

    it('delivers only the event types asked for', async () => {
      const tenantId = randomUUID();
      const wanted = ofType('ContractWanted', newEvent(tenantId, 1));
      const other = ofType('ContractOther', newEvent(tenantId, 2));
      await store().appendToStream(tenantId, newStreamName(), [other, wanted], {
        expectedVersion: 'no-stream',
      });

      const { subscription, received } = start(store(), { filter: { tenantId, types: ['ContractWanted'] } });
      await subscription.caughtUp;

      expect(idsOf(received)).toEqual([wanted.eventId]);
    });

    it('stops when the handler throws, without passing the event, and reports the error', async () => {
      const { tenantId } = await givenStream(store(), 3);
      const all = await collect(() => store().readAll({ tenantId }));

      const failing = start(store(), { filter: { tenantId }, failOn: all[1]?.eventId ?? '' });
      await expect(failing.subscription.caughtUp).rejects.toThrow(/handler refused/);
      expect(failing.errors).toHaveLength(1);
      expect(idsOf(failing.received)).toEqual(idsOf(all.slice(0, 1)));

      const resumed = start(store(), { filter: { tenantId }, fromCheckpoint: all[0]?.checkpoint });
      await resumed.subscription.caughtUp;
      expect(idsOf(resumed.received)).toEqual(idsOf(all.slice(1)));
    });
  });
}
