import type { TenantStorageOwner } from '@platform/service-kit';
import type { FulfilmentStore } from './fulfilment-store';

/**
 * The saga service's per-tenant storage (ADR 0031): rows keyed by tenant in its own tables (sagas,
 * outbox, timers, processed inputs), which exist for every tenant once the schema is migrated at
 * start. Provisioning has nothing to create; purging deletes the tenant's rows.
 */
export function sagaStorageOwner(store: FulfilmentStore, schema: string): TenantStorageOwner {
  return {
    provision: () => Promise.resolve({ description: `rows keyed by tenant in schema ${schema}` }),
    async purge({ tenantId }) {
      const counts = await store.purgeTenant(tenantId);
      const objects = Object.values(counts).reduce((sum, count) => sum + count, 0);
      const description = Object.entries(counts)
        .map(([table, count]) => `${count} ${table}`)
        .join(', ');
      return { objects, description: `rows of schema ${schema}: ${description}` };
    },
  };
}
