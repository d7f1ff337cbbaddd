import { randomUUID } from 'node:crypto';
import type { EventStore } from '../../event-store.port';
import { toNdjson } from '../../export/ndjson';
import { collect, givenStream, versionsOf } from './fixtures';

export function describeExportAndPurge(store: () => EventStore): void {
  describe('tenant export and purge', () => {
    it("exports exactly the tenant's events, in global order, as NDJSON", async () => {
      const [tenantId, other] = [randomUUID(), randomUUID()];
      await givenStream(store(), 2, tenantId);
      await givenStream(store(), 1, other);
      await givenStream(store(), 3, tenantId);

      const exported = await collect(() => store().exportTenant(tenantId));
      const lines = await collect(() => toNdjson(store().exportTenant(tenantId)));

      expect(exported).toEqual(await collect(() => store().readAll({ tenantId })));
      expect(exported).toHaveLength(5);
      expect(lines).toHaveLength(5);
      expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(exported);
      lines.forEach((line) => expect(line).toMatch(/^\{.*\}\n$/s));
    });

    it("purges all of a tenant's streams and events, and leaves other tenants untouched", async () => {
      const [tenantId, other] = [randomUUID(), randomUUID()];
      const first = await givenStream(store(), 2, tenantId);
      const second = await givenStream(store(), 3, tenantId);
      const kept = await givenStream(store(), 2, other, first.stream);

      expect(await store().purgeTenant(tenantId)).toEqual({ streams: 2, events: 5 });

      expect(await store().readStream(tenantId, first.stream)).toEqual([]);
      expect(await store().readStream(tenantId, second.stream)).toEqual([]);
      expect(await collect(() => store().readAll({ tenantId }))).toEqual([]);
      expect(await collect(() => store().exportTenant(tenantId))).toEqual([]);
      expect(await versionsOf(store(), other, kept.stream)).toEqual([1, 2]);
      expect(await collect(() => store().readAll({ tenantId: other }))).toHaveLength(2);
      expect(await store().purgeTenant(tenantId)).toEqual({ streams: 0, events: 0 });
    });

    it('refuses a non-UUID tenant with a TypeError', async () => {
      await expect(store().purgeTenant('tenant-a')).rejects.toThrow(TypeError);
      await expect(collect(() => store().exportTenant('tenant-a'))).rejects.toThrow(TypeError);
    });
  });
}
