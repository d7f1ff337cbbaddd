import { randomUUID } from 'node:crypto';
import { DuplicateEventIdError } from '../../errors';
import type { EventStore } from '../../event-store.port';
import { givenStream, idsOf, newEvent, newEvents, newStreamName, versionsOf } from './fixtures';

export function describeIdempotentAppend(store: () => EventStore): void {
  describe('idempotent append', () => {
    it("returns the first result for a repeated 'no-stream' append, and records the events once", async () => {
      const tenantId = randomUUID();
      const stream = newStreamName();
      const events = newEvents(tenantId, 2);

      const first = await store().appendToStream(tenantId, stream, events, { expectedVersion: 'no-stream' });
      const again = await store().appendToStream(tenantId, stream, events, { expectedVersion: 'no-stream' });

      expect(again).toEqual(first);
      expect(idsOf(await store().readStream(tenantId, stream))).toEqual(idsOf(events));
    });

    it('returns the first result for a repeated exact append, even after the stream moved on', async () => {
      const { tenantId, stream } = await givenStream(store(), 2);
      const events = newEvents(tenantId, 2);

      const first = await store().appendToStream(tenantId, stream, events, { expectedVersion: 2 });
      await store().appendToStream(tenantId, stream, newEvents(tenantId, 1), { expectedVersion: 4 });
      const again = await store().appendToStream(tenantId, stream, events, { expectedVersion: 2 });

      expect(again).toEqual(first);
      expect(first.nextExpectedVersion).toBe(4);
      expect(await versionsOf(store(), tenantId, stream)).toEqual([1, 2, 3, 4, 5]);
    });

    it("returns the first result for a repeated 'any' append", async () => {
      const { tenantId, stream } = await givenStream(store(), 1);
      const events = newEvents(tenantId, 3);

      const first = await store().appendToStream(tenantId, stream, events, { expectedVersion: 'any' });
      const again = await store().appendToStream(tenantId, stream, events, { expectedVersion: 'any' });

      expect(again).toEqual(first);
      expect(await versionsOf(store(), tenantId, stream)).toEqual([1, 2, 3, 4]);
    });

    it('refuses a batch that only partly repeats an earlier one, and writes nothing', async () => {
      const { tenantId, stream } = await givenStream(store(), 1);
      const [recorded] = (await store().readStream(tenantId, stream)).map((e) => e.eventId);
      const partial = [
        { ...newEvent(tenantId, 'again'), eventId: recorded ?? '' },
        newEvent(tenantId, 'new'),
      ];

      await expect(
        store().appendToStream(tenantId, stream, partial, { expectedVersion: 'no-stream' }),
      ).rejects.toBeInstanceOf(DuplicateEventIdError);
      await expect(
        store().appendToStream(tenantId, stream, partial, { expectedVersion: 'any' }),
      ).rejects.toBeInstanceOf(DuplicateEventIdError);
      expect(await versionsOf(store(), tenantId, stream)).toEqual([1]);
    });
  });
}
