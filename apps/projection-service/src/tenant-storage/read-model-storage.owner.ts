import {
  deprovisionTenantStorage,
  provisionTenantStorage,
  tenantStorageReady,
  type ParkedEvents,
} from '@platform/read-models';
import type { TenantStorageOwner } from '@platform/service-kit';

/**
 * The projection service's per-tenant storage (ADR 0031): the tenant's read models (orders,
 * products, summaries) in its schema, its database or the shared schema's rows, the positions its
 * read models saw, and its parked messages. Provisioning creates and migrates the storage; purging
 * removes all of it.
 */
export function readModelStorageOwner(databaseUrl: string, parked: ParkedEvents): TenantStorageOwner {
  return {
    async provision({ tenantId, isolation }) {
      const { storage, migrationsRun } = await provisionTenantStorage(databaseUrl, tenantId, isolation);
      const where =
        storage.mode === 'dedicated'
          ? `database ${storage.database}`
          : storage.mode === 'schema'
            ? `schema ${storage.schema}`
            : `rows of schema ${storage.schema} under row-level security`;
      return { description: `read models in ${where} (${migrationsRun.length} migrations run now)` };
    },
    async purge({ tenantId, isolation }) {
      // A schema or database dropped by an earlier attempt is not counted twice.
      const existed = isolation === 'shared' || (await tenantStorageReady(databaseUrl, tenantId, isolation));
      const { removed } = await deprovisionTenantStorage(databaseUrl, tenantId, isolation);
      const rows = /^(\d+) rows$/.exec(removed);
      const readModels = rows ? Number(rows[1]) : existed ? 1 : 0;
      const parkedMessages = await parked.purgeTenant(tenantId);
      return {
        objects: readModels + parkedMessages,
        description: `read models: ${removed}; ${parkedMessages} parked messages`,
      };
    },
  };
}
