import { randomUUID } from 'node:crypto';
import type { EventStore, GlobalEvent, NewEvent, ReadAllOptions } from '../../event-store.port';
import { collect, idsOf, newEvent, newStreamName, ofType, withoutStoreFields } from './fixtures';

/** Appends each batch in turn (so global order is this order) and returns all events, flattened. */
async function appendInTurn(
  store: EventStore,
  batches: { tenantId: string; stream: string; events: NewEvent[] }[],
): Promise<NewEvent[]> {
  for (const { tenantId, stream, events } of batches) {
    await store.appendToStream(tenantId, stream, events, { expectedVersion: 'any' });
  }
  return batches.flatMap((batch) => batch.events);
}

export function describeReadAll(store: () => EventStore): void {
  const readAll = (options?: ReadAllOptions): Promise<GlobalEvent[]> =>
    collect(() => store().readAll(options));

  describe('read all', () => {
    it("returns a tenant's events across its streams in append order, with every field", async () => {
      const tenantId = randomUUID();
      const [orders, payments] = [newStreamName(), newStreamName()];
      const first = newEvent(tenantId, { n: 1 });
      const second = newEvent(tenantId, { n: 2 });
      const third = newEvent(tenantId, { n: 3 });
      const fourth = newEvent(tenantId, { n: 4 });
      await appendInTurn(store(), [
        { tenantId, stream: orders, events: [first, second] },
        { tenantId, stream: payments, events: [third] },
        { tenantId, stream: orders, events: [fourth] },
      ]);

      const events = await readAll({ tenantId });

      expect(events.map(withoutStoreFields)).toEqual([first, second, third, fourth]);
      expect(events.map((e) => [e.tenantId, e.streamName, e.streamVersion])).toEqual([
        [tenantId, orders, 1],
        [tenantId, orders, 2],
        [tenantId, payments, 1],
        [tenantId, orders, 3],
      ]);
      expect(await store().readStream(tenantId, orders)).toEqual(
        events.filter((e) => e.streamName === orders).map(({ checkpoint: _, ...recorded }) => recorded),
      );
      events.forEach((e) => expect(typeof e.checkpoint).toBe('string'));
      expect(new Set(events.map((e) => e.checkpoint)).size).toBe(4);
    });

    it('resumes after any checkpoint, exclusively, and pages with maxCount', async () => {
      const tenantId = randomUUID();
      const stream = newStreamName();
      const appended = await appendInTurn(
        store(),
        [1, 2, 3, 4, 5].map((n) => ({ tenantId, stream, events: [newEvent(tenantId, { n })] })),
      );
      const all = await readAll({ tenantId });

      for (const [index, event] of all.entries()) {
        expect(idsOf(await readAll({ tenantId, from: event.checkpoint }))).toEqual(
          idsOf(appended.slice(index + 1)),
        );
      }
      const page = await readAll({ tenantId, maxCount: 2 });
      expect(idsOf(page)).toEqual(idsOf(appended.slice(0, 2)));
      const next = await readAll({ tenantId, maxCount: 2, from: page[1]?.checkpoint });
      expect(idsOf(next)).toEqual(idsOf(appended.slice(2, 4)));
      expect(await readAll({ tenantId, maxCount: 0 })).toEqual([]);
    });

    it('reads every tenant without a tenant filter, in append order', async () => {
      const [tenantA, tenantB] = [randomUUID(), randomUUID()];
      const [a1, b1, a2, b2] = [
        newEvent(tenantA, 'a1'),
        newEvent(tenantB, 'b1'),
        newEvent(tenantA, 'a2'),
        newEvent(tenantB, 'b2'),
      ];
      await appendInTurn(store(), [
        { tenantId: tenantA, stream: newStreamName(), events: [a1] },
        { tenantId: tenantB, stream: newStreamName(), events: [b1] },
        { tenantId: tenantA, stream: newStreamName(), events: [a2] },
        { tenantId: tenantB, stream: newStreamName(), events: [b2] },
      ]);
      const [fromA1] = await readAll({ tenantId: tenantA, maxCount: 1 });

      // other tests may write meanwhile: keep only this test's tenants
      const tenants = new Set<string>([tenantA, tenantB]);
      const ours = (await readAll({ from: fromA1?.checkpoint })).filter((e) => tenants.has(e.tenantId));

      expect(idsOf(ours)).toEqual(idsOf([b1, a2, b2]));
      expect(idsOf(await readAll({ tenantId: tenantB }))).toEqual(idsOf([b1, b2]));
    });

    it('filters by event types', async () => {
      const tenantId = randomUUID();
      const stream = newStreamName();
      const placed = ofType('ContractPlaced', newEvent(tenantId, 1));
      const shipped = ofType('ContractShipped', newEvent(tenantId, 2));
      const paid = ofType('ContractPaid', newEvent(tenantId, 3));
      await appendInTurn(store(), [{ tenantId, stream, events: [placed, shipped, paid] }]);

      expect(idsOf(await readAll({ tenantId, types: ['ContractShipped'] }))).toEqual([shipped.eventId]);
      expect(idsOf(await readAll({ tenantId, types: ['ContractPaid', 'ContractPlaced'] }))).toEqual(
        idsOf([placed, paid]),
      );
      expect(await readAll({ tenantId, types: ['Unknown'] })).toEqual([]);
    });

    it('filters by the instant the store recorded the events (inclusive)', async () => {
      const tenantId = randomUUID();
      const stream = newStreamName();
      await appendInTurn(
        store(),
        [1, 2, 3].map((n) => ({ tenantId, stream, events: [newEvent(tenantId, n)] })),
      );
      const all = await readAll({ tenantId });
      const since = all[1]?.recordedAt ?? '';

      expect(await readAll({ tenantId, since: '2000-01-01T00:00:00Z' })).toEqual(all);
      expect(idsOf(await readAll({ tenantId, since }))).toEqual(
        idsOf(all.filter((e) => e.recordedAt >= since)),
      );
      expect(idsOf(await readAll({ tenantId, since }))).toContain(all[2]?.eventId);
      expect(await readAll({ tenantId, since: '2999-01-01T00:00:00Z' })).toEqual([]);
    });

    it('refuses invalid options with a TypeError', async () => {
      await expect(readAll({ tenantId: 'tenant-a' })).rejects.toThrow(TypeError);
      await expect(readAll({ from: 'not a checkpoint' })).rejects.toThrow(TypeError);
      await expect(readAll({ maxCount: -1 })).rejects.toThrow(TypeError);
      await expect(readAll({ since: 'yesterday' })).rejects.toThrow(TypeError);
    });
  });
}
