import { randomUUID } from 'node:crypto';
import type { EventStore } from '../../event-store.port';
import { newStreamName, newEvent, newEvents } from './fixtures';

export function describeInvalidArguments(store: () => EventStore): void {
  describe('invalid arguments', () => {
    it.each(['tenant-a', '', 'not-a-uuid', `${randomUUID()}x`, ' '])(
      'refuses the non-UUID tenant %j with a TypeError',
      async (tenantId) => {
        const events = newEvents(tenantId, 1);
        await expect(
          store().appendToStream(tenantId, newStreamName(), events, { expectedVersion: 'any' }),
        ).rejects.toThrow(TypeError);
        await expect(store().readStream(tenantId, newStreamName())).rejects.toThrow(TypeError);
      },
    );

    it('refuses 0 and other invalid expected versions with a TypeError', async () => {
      const tenantId = randomUUID();
      for (const expectedVersion of [0, -1, 1.5, Number.NaN]) {
        await expect(
          store().appendToStream(tenantId, newStreamName(), newEvents(tenantId, 1), { expectedVersion }),
        ).rejects.toThrow(TypeError);
      }
    });

    it('refuses an event whose metadata names another tenant, and writes nothing', async () => {
      const tenantId = randomUUID();
      const stream = newStreamName();
      const foreign = newEvent(randomUUID(), 'foreign');

      await expect(
        store().appendToStream(tenantId, stream, [newEvent(tenantId, 'own'), foreign], {
          expectedVersion: 'any',
        }),
      ).rejects.toThrow(TypeError);
      expect(await store().readStream(tenantId, stream)).toEqual([]);
    });
  });
}
