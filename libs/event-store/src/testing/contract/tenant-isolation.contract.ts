import { randomUUID } from 'node:crypto';
import type { EventStore } from '../../event-store.port';
import {
  newStreamName,
  newEvents,
  withoutStoreFields,
  appendError,
  expectWrongVersion,
  givenStream,
} from './fixtures';

export function describeTenantIsolation(store: () => EventStore): void {
  describe('tenant isolation', () => {
    it('keeps the same stream name in two tenants as two independent streams', async () => {
      const [tenantA, tenantB] = [randomUUID(), randomUUID()];
      const stream = newStreamName();
      const eventsA = newEvents(tenantA, 2);
      const eventsB = newEvents(tenantB, 1);

      await store().appendToStream(tenantA, stream, eventsA, { expectedVersion: 'no-stream' });
      await store().appendToStream(tenantB, stream, eventsB, { expectedVersion: 'no-stream' });

      const readA = await store().readStream(tenantA, stream);
      const readB = await store().readStream(tenantB, stream);
      expect(readA.map(withoutStoreFields)).toEqual(eventsA);
      expect(readB.map(withoutStoreFields)).toEqual(eventsB);
      expect(readB.map((e) => [e.tenantId, e.streamVersion])).toEqual([[tenantB, 1]]);
      const error = await appendError(store(), tenantB, stream, 2);
      expectWrongVersion(error, { tenantId: tenantB, stream, expected: 2, actual: 1 });
    });

    it("never returns another tenant's stream", async () => {
      const { stream } = await givenStream(store(), 3);

      expect(await store().readStream(randomUUID(), stream)).toEqual([]);
    });
  });
}
