import { randomUUID } from 'node:crypto';
import { eventually } from '@platform/testing';
import type { AllStreamResolvedEvent } from '@kurrent/kurrentdb-client';
import type { GlobalEvent, NewEvent } from '../event-store.port';
import type { KurrentClient } from './kurrent-client';
import { createUpcasterRegistry } from '../upcasting/upcaster-registry';
import { StreamPurgedError } from './errors';
import { KurrentEventStore } from './kurrent-event-store';
import { purgeMarkerStreamName, toKurrentStreamName } from './stream-names';
import { InMemoryKurrentClient } from './testing/in-memory-kurrent-client';

// What the shared contract does not see: how the adapter lays data out in KurrentDB, and how it
// copes with what a real database holds besides this store's events. On the in-memory model of the
// client (see testing/in-memory-kurrent-client.ts), not a server.

const newEvent = (tenantId: string, data: unknown = {}): NewEvent => ({
  eventId: randomUUID(),
  type: 'Tested',
  data,
  schemaVersion: 1,
  metadata: {
    tenantId,
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actor: 'user:unit',
    occurredAt: '2026-01-01T00:00:00.000Z',
  },
});

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of source) items.push(item);
  return items;
}

describe('KurrentEventStore', () => {
  let client: InMemoryKurrentClient;
  let store: KurrentEventStore;
  const tenantId = randomUUID();

  beforeEach(() => {
    client = new InMemoryKurrentClient();
    store = new KurrentEventStore(client);
  });
  afterEach(async () => {
    await store.close();
  });

  describe('layout in KurrentDB', () => {
    it('writes each stream under its tenant prefix, with the metadata KurrentDB reads', async () => {
      const event = newEvent(tenantId);
      await store.appendToStream(tenantId, 'order-1', [event], { expectedVersion: 'no-stream' });

      expect(client.streamNames()).toContain(toKurrentStreamName(tenantId, 'order-1'));
      expect(client.storedMetadata(event.eventId)).toEqual({
        ...event.metadata,
        schemaVersion: 1,
        $correlationId: event.metadata.correlationId,
        $causationId: event.metadata.causationId,
      });
    });
  });

  describe('append', () => {
    it('finds the position of a repeated append when the server leaves it out', async () => {
      client = new InMemoryKurrentClient({ omitAppendPositions: true });
      store = new KurrentEventStore(client);
      const events = [newEvent(tenantId), newEvent(tenantId)];

      const first = await store.appendToStream(tenantId, 's', events, { expectedVersion: 'no-stream' });
      await store.appendToStream(tenantId, 's', [newEvent(tenantId)], { expectedVersion: 2 });
      const again = await store.appendToStream(tenantId, 's', events, { expectedVersion: 'no-stream' });

      const recorded = await store.readStream(tenantId, 's');
      expect(first).toEqual({ nextExpectedVersion: 2, lastPosition: recorded[1]?.globalPosition });
      expect(again).toEqual(first);
    });

    it('refuses to write to a stream a purge deleted', async () => {
      await store.appendToStream(tenantId, 's', [newEvent(tenantId)], { expectedVersion: 'no-stream' });
      await store.purgeTenant(tenantId);

      await expect(
        store.appendToStream(tenantId, 's', [newEvent(tenantId)], { expectedVersion: 'any' }),
      ).rejects.toBeInstanceOf(StreamPurgedError);
      expect(await store.readStream(tenantId, 's')).toEqual([]);
    });
  });

  describe('upcasting', () => {
    it('reads older schema versions in the current shape, from streams, the log and subscriptions', async () => {
      store = new KurrentEventStore(client, {
        upcasters: createUpcasterRegistry([
          { type: 'Tested', fromSchemaVersion: 1, upcast: (data) => ({ ...(data as object), v2: true }) },
        ]),
      });
      await store.appendToStream(tenantId, 's', [newEvent(tenantId, { n: 1 })], {
        expectedVersion: 'no-stream',
      });
      const upcast = { data: { n: 1, v2: true }, schemaVersion: 2 };

      expect(await store.readStream(tenantId, 's')).toMatchObject([upcast]);
      expect(await collect(store.readAll({ tenantId }))).toMatchObject([upcast]);
      const received: GlobalEvent[] = [];
      const subscription = store.subscribeToAll({
        filter: { tenantId },
        handler: async (event) => {
          received.push(event);
        },
      });
      await subscription.caughtUp;
      await subscription.stop();
      expect(received).toMatchObject([upcast]);
    });
  });

  describe('global reads', () => {
    it('skips system events and streams this store did not write', async () => {
      client.writeForeign('orders-1', 'OrderPlaced', { foreign: true });
      client.writeForeign('t_not-a-tenant', 'Tested', { foreign: true });
      client.writeForeign(purgeMarkerStreamName(tenantId), 'TenantPurged', {});
      const event = newEvent(tenantId);
      await store.appendToStream(tenantId, 's', [event], { expectedVersion: 'no-stream' });
      await store.appendToStream(tenantId, 'gone', [newEvent(tenantId)], { expectedVersion: 'no-stream' });
      await client.tombstoneStream(toKurrentStreamName(tenantId, 'gone'));

      const everything = await collect(store.readAll());

      expect(everything.map((e) => [e.tenantId, e.streamName])).toEqual([
        [tenantId, 's'],
        [tenantId, 'gone'],
      ]);
      expect(everything[0]?.eventId).toBe(event.eventId);
    });

    it('filters by the instant the server recorded each event', async () => {
      let now = new Date('2026-05-01T12:00:00.000Z');
      client = new InMemoryKurrentClient({ now: () => now });
      store = new KurrentEventStore(client);
      const [early, late] = [newEvent(tenantId), newEvent(tenantId)];
      await store.appendToStream(tenantId, 's', [early], { expectedVersion: 'no-stream' });
      now = new Date('2026-05-01T12:00:01.000Z');
      await store.appendToStream(tenantId, 's', [late], { expectedVersion: 1 });

      const since = await collect(store.readAll({ tenantId, since: '2026-05-01T12:00:00.500Z' }));

      expect(since.map((e) => [e.eventId, e.recordedAt])).toEqual([
        [late.eventId, '2026-05-01T12:00:01.000Z'],
      ]);
    });
  });

  describe('purge', () => {
    it("hides the purged events from the tenant's reads, but not what the tenant writes afterwards", async () => {
      await store.appendToStream(tenantId, 'old', [newEvent(tenantId)], { expectedVersion: 'no-stream' });
      expect(await store.purgeTenant(tenantId)).toEqual({ streams: 1, events: 1 });
      const fresh = newEvent(tenantId);
      await store.appendToStream(tenantId, 'new', [fresh], { expectedVersion: 'no-stream' });

      expect((await collect(store.exportTenant(tenantId))).map((e) => e.eventId)).toEqual([fresh.eventId]);
      expect(client.streamNames()).toContain(purgeMarkerStreamName(tenantId));
    });
  });

  describe('subscribeToAll', () => {
    it('delivers once, in order, an event appended while it is catching up', async () => {
      await store.appendToStream(tenantId, 's', [newEvent(tenantId), newEvent(tenantId)], {
        expectedVersion: 'no-stream',
      });
      const during = newEvent(tenantId, 'during');
      const received: GlobalEvent[] = [];
      const subscription = store.subscribeToAll({
        filter: { tenantId },
        handler: async (event) => {
          if (received.length === 0) {
            await store.appendToStream(tenantId, 's', [during], { expectedVersion: 2 });
          }
          received.push(event);
        },
      });

      await subscription.caughtUp;
      await eventually(() => expect(received.map((e) => e.streamVersion)).toEqual([1, 2, 3]));
      expect(received[2]?.eventId).toBe(during.eventId);
      await subscription.stop();
    });

    it('delivers an event once should the server resend the one at its start position', async () => {
      client = new InMemoryKurrentClient({ subscriptionsIncludeStart: true });
      store = new KurrentEventStore(client);
      const [first, second] = [newEvent(tenantId), newEvent(tenantId)];
      await store.appendToStream(tenantId, 's', [first], { expectedVersion: 'no-stream' });
      const received: string[] = [];
      const subscription = store.subscribeToAll({
        filter: { tenantId },
        handler: async (event) => {
          received.push(event.eventId);
        },
      });
      await subscription.caughtUp;

      await store.appendToStream(tenantId, 's', [second], { expectedVersion: 1 });

      await eventually(() => expect(received).toEqual([first.eventId, second.eventId]));
      await subscription.stop();
      expect(received).toEqual([first.eventId, second.eventId]);
    });

    it('follows every tenant without a filter', async () => {
      const other = randomUUID();
      const received: string[] = [];
      const subscription = store.subscribeToAll({
        handler: async (event) => {
          received.push(event.tenantId);
        },
      });
      await subscription.caughtUp;

      await store.appendToStream(tenantId, 's', [newEvent(tenantId)], { expectedVersion: 'any' });
      await store.appendToStream(other, 's', [newEvent(other)], { expectedVersion: 'any' });

      await eventually(() => expect(received).toEqual([tenantId, other]));
      await subscription.stop();
    });

    it('stops after the event in progress, and delivers nothing after', async () => {
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let started: () => void = () => undefined;
      const inProgress = new Promise<void>((resolve) => (started = resolve));
      const received: string[] = [];
      const errors: unknown[] = [];
      const subscription = store.subscribeToAll({
        filter: { tenantId },
        handler: async (event) => {
          started();
          await gate;
          received.push(event.eventId);
        },
        onError: (error) => errors.push(error),
      });
      await subscription.caughtUp;
      const [first, second] = [newEvent(tenantId), newEvent(tenantId)];
      await store.appendToStream(tenantId, 's', [first, second], { expectedVersion: 'no-stream' });
      await inProgress;

      const stopped = subscription.stop();
      release();
      await stopped;
      await store.appendToStream(tenantId, 's', [newEvent(tenantId)], { expectedVersion: 2 });

      expect(received).toEqual([first.eventId]);
      expect(errors).toEqual([]);
    });

    it('rejects caughtUp when stopped before catching up, without reporting an error', async () => {
      await store.appendToStream(tenantId, 's', [newEvent(tenantId), newEvent(tenantId)], {
        expectedVersion: 'no-stream',
      });
      const errors: unknown[] = [];
      const received: GlobalEvent[] = [];
      let stopping: Promise<void> | undefined;
      const subscription = store.subscribeToAll({
        filter: { tenantId },
        handler: async (event) => {
          received.push(event);
          stopping ??= subscription.stop();
        },
        onError: (error) => errors.push(error),
      });

      await expect(subscription.caughtUp).rejects.toThrow(/stopped before it caught up/);
      await stopping;
      expect(received).toHaveLength(1);
      expect(errors).toEqual([]);
    });

    it('refuses a checkpoint that is not an EventStoreDB one, and a missing handler, with a TypeError', () => {
      const handler = async (): Promise<void> => undefined;
      expect(() => store.subscribeToAll({ fromCheckpoint: '42', handler })).toThrow(TypeError);
      expect(() => store.subscribeToAll({ filter: { tenantId: 'x' }, handler })).toThrow(TypeError);
      expect(() => store.subscribeToAll({} as never)).toThrow(TypeError);
    });
  });

  describe('ping and close', () => {
    it('answers ping until closed; close stops the subscriptions and is idempotent', async () => {
      const errors: unknown[] = [];
      const subscription = store.subscribeToAll({
        handler: async () => undefined,
        onError: (e) => errors.push(e),
      });
      await subscription.caughtUp;
      await expect(store.ping()).resolves.toBeUndefined();

      await Promise.all([store.close(), store.close()]);

      await expect(store.ping()).rejects.toThrow();
      await subscription.stop();
      expect(errors).toEqual([]);
    });

    it('fails ping when the server does not answer in time', async () => {
      const silent: Pick<KurrentClient, 'readAll'> = {
        readAll: () => ({
          [Symbol.asyncIterator]: () => ({
            next: () => new Promise<IteratorResult<AllStreamResolvedEvent>>(() => undefined),
          }),
        }),
      };
      const stuck = new KurrentEventStore({ ...client, readAll: silent.readAll } as KurrentClient, {
        pingTimeoutMs: 20,
      });

      await expect(stuck.ping()).rejects.toThrow(/did not answer within 20 ms/);
    });
  });
});
