import { randomUUID } from 'node:crypto';
import type { EventStore, ReadStreamOptions } from '../../event-store.port';
import { givenStream, newStreamName } from './fixtures';

export function describeReadStreamBackwards(store: () => EventStore): void {
  describe('read a stream backwards', () => {
    it('reads from the last version down, from a version (inclusive), at most maxCount events', async () => {
      const { tenantId, stream } = await givenStream(store(), 5);
      const versions = async (options: Omit<ReadStreamOptions, 'direction'>) =>
        (await store().readStream(tenantId, stream, { ...options, direction: 'backwards' })).map(
          (e) => e.streamVersion,
        );

      expect(await versions({})).toEqual([5, 4, 3, 2, 1]);
      expect(await versions({ maxCount: 2 })).toEqual([5, 4]);
      expect(await versions({ fromVersion: 3 })).toEqual([3, 2, 1]);
      expect(await versions({ fromVersion: 3, maxCount: 2 })).toEqual([3, 2]);
      expect(await versions({ fromVersion: 10 })).toEqual([5, 4, 3, 2, 1]);
      expect(await versions({ maxCount: 0 })).toEqual([]);
    });

    it('returns the same events as a forward read, reversed', async () => {
      const { tenantId, stream } = await givenStream(store(), 3);

      const forwards = await store().readStream(tenantId, stream);
      const backwards = await store().readStream(tenantId, stream, { direction: 'backwards' });

      expect(backwards).toEqual([...forwards].reverse());
    });

    it('returns [] backwards for a stream that does not exist', async () => {
      expect(await store().readStream(randomUUID(), newStreamName(), { direction: 'backwards' })).toEqual([]);
    });
  });
}
