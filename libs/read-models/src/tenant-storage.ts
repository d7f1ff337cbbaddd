import type { TenantIsolation } from '@platform/contracts';
import { tenantSchema } from './tenant-schema';

/** Schema holding the rows of every `shared`-mode tenant, separated by `tenant_id` and RLS. */
export const SHARED_SCHEMA = 'tenant_shared';

/** Role that shared-mode statements run as (`SET LOCAL ROLE`), so row-level security applies. */
export const RLS_ROLE = 'tenantflow_tenant_rw';

/** Where one tenant's read models live, by isolation mode. */
export type TenantStorage =
  | { readonly mode: 'schema'; readonly database: undefined; readonly schema: string }
  | { readonly mode: 'shared'; readonly database: undefined; readonly schema: typeof SHARED_SCHEMA }
  | { readonly mode: 'dedicated'; readonly database: string; readonly schema: 'public' };

/**
 * Derives (never looks up) the storage of a tenant: `schema` → `tenant_<hex>` schema in the main
 * database; `dedicated` → database `tenant_<hex>`; `shared` → the `tenant_shared` schema.
 */
export function storageOf(tenantId: string, isolation: TenantIsolation): TenantStorage {
  const name = tenantSchema(tenantId);
  switch (isolation) {
    case 'schema':
      return { mode: 'schema', database: undefined, schema: name };
    case 'shared':
      return { mode: 'shared', database: undefined, schema: SHARED_SCHEMA };
    case 'dedicated':
      return { mode: 'dedicated', database: name, schema: 'public' };
  }
}

/** A database URL pointing at another database on the same server. */
export function databaseUrlFor(baseUrl: string, database: string | undefined): string {
  if (database === undefined) return baseUrl;
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
