import { randomUUID } from 'node:crypto';
import type { EventStore } from '../../event-store.port';
import {
  newStreamName,
  newEvent,
  newEvents,
  withoutStoreFields,
  expectIncreasing,
  givenStream,
} from './fixtures';

export function describeAppendAndRead(store: () => EventStore): void {
  describe('append and read', () => {
    it("appends to a new stream with 'no-stream' and reads the events back in order", async () => {
      const tenantId = randomUUID();
      const stream = newStreamName();
      const events = [
        newEvent(tenantId, {
          text: 'naïve "quoted" \\ back\nslash',
          list: [1, 'two', null, true],
          n: 12.5,
        }),
        newEvent(tenantId, 'a plain string'),
        newEvent(tenantId, null),
        newEvent(tenantId, [{ nested: { deep: [] } }]),
      ];

      const result = await store().appendToStream(tenantId, stream, events, {
        expectedVersion: 'no-stream',
      });
      const recorded = await store().readStream(tenantId, stream);

      expect(recorded.map(withoutStoreFields)).toEqual(events);
      expect(recorded.map((e) => [e.tenantId, e.streamName])).toEqual(events.map(() => [tenantId, stream]));
      expect(recorded.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4]);
      expectIncreasing(recorded.map((e) => e.globalPosition));
      recorded.forEach((e) => expect(new Date(e.recordedAt).toISOString()).toBe(e.recordedAt));
      expect(result).toEqual({ nextExpectedVersion: 4, lastPosition: recorded[3]?.globalPosition });
    });

    it('returns [] for a stream that does not exist', async () => {
      expect(await store().readStream(randomUUID(), newStreamName())).toEqual([]);
    });

    it('appends a batch of 100 events in one call with consecutive versions', async () => {
      const tenantId = randomUUID();
      const stream = newStreamName();
      const events = newEvents(tenantId, 100);

      const result = await store().appendToStream(tenantId, stream, events, {
        expectedVersion: 'no-stream',
      });
      const recorded = await store().readStream(tenantId, stream);

      expect(recorded.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
      expect(recorded.map((e) => e.streamVersion)).toEqual(events.map((_, i) => i + 1));
      expectIncreasing(recorded.map((e) => e.globalPosition));
      expect(result).toEqual({ nextExpectedVersion: 100, lastPosition: recorded[99]?.globalPosition });
    });

    it('reads from a version (inclusive) and at most maxCount events', async () => {
      const { tenantId, stream } = await givenStream(store(), 5);
      const versions = async (options: { fromVersion?: number; maxCount?: number }) =>
        (await store().readStream(tenantId, stream, options)).map((e) => e.streamVersion);

      expect(await versions({ fromVersion: 3 })).toEqual([3, 4, 5]);
      expect(await versions({ maxCount: 2 })).toEqual([1, 2]);
      expect(await versions({ fromVersion: 2, maxCount: 2 })).toEqual([2, 3]);
      expect(await versions({ fromVersion: 4, maxCount: 10 })).toEqual([4, 5]);
      expect(await versions({ fromVersion: 6 })).toEqual([]);
      expect(await versions({ maxCount: 0 })).toEqual([]);
    });
  });
}
