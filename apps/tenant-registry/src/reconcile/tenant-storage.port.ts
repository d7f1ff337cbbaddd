import type { TenantIsolation } from '@platform/contracts';
import { deprovisionTenantStorage, provisionTenantStorage, tenantStorageReady } from '@platform/read-models';

/** A tenant's read-model storage, as the controller drives it. Both calls are idempotent. */
export interface TenantStoragePort {
  /** Makes the storage exist and be migrated; says what it is (`schema tenant_…`, `database tenant_…`). */
  provision(tenantId: string, isolation: TenantIsolation): Promise<{ readonly description: string }>;
  /** Removes it; `objects`: the schema or database (1, or 0 when already gone), or the rows deleted. */
  deprovision(
    tenantId: string,
    isolation: TenantIsolation,
  ): Promise<{ readonly removed: string; readonly objects: number }>;
}

/** The platform's read models on PostgreSQL (`@platform/read-models`). */
export function readModelStorage(databaseUrl: string): TenantStoragePort {
  return {
    async provision(tenantId, isolation) {
      const { storage } = await provisionTenantStorage(databaseUrl, tenantId, isolation);
      const description =
        storage.mode === 'dedicated'
          ? `database ${storage.database}`
          : storage.mode === 'schema'
            ? `schema ${storage.schema}`
            : `rows of schema ${storage.schema} under row-level security`;
      return { description };
    },
    async deprovision(tenantId, isolation) {
      // A schema or database dropped by an earlier attempt is not counted twice.
      const existed = isolation === 'shared' || (await tenantStorageReady(databaseUrl, tenantId, isolation));
      const { removed } = await deprovisionTenantStorage(databaseUrl, tenantId, isolation);
      const rows = /^(\d+) rows$/.exec(removed);
      return { removed, objects: rows ? Number(rows[1]) : existed ? 1 : 0 };
    },
  };
}
