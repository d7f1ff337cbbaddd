import { isUuid } from '@platform/contracts';

/**
 * The PostgreSQL schema holding one tenant's read models (isolation mode `schema`):
 * `tenant_<uuid without dashes>`. Derived, never looked up, and safe to quote into SQL because
 * it can only contain `[0-9a-f_]`.
 */
export function tenantSchema(tenantId: string): string {
  if (!isUuid(tenantId)) throw new TypeError(`not a tenant id: ${String(tenantId)}`);
  return `tenant_${tenantId.toLowerCase().replace(/-/g, '')}`;
}
