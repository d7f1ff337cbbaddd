import { isUuid, SLUG_PATTERN } from '@platform/contracts';
import { hasRole, type Claims } from '@platform/tenancy';
import type { Refusal } from '@platform/command-handling';

/** A tenant named in a path: its id (UUID) or its slug; anything else is a 400. */
export function pathTenantRefusal(idOrSlug: string): Refusal | undefined {
  if (isUuid(idOrSlug) || SLUG_PATTERN.test(idOrSlug)) return undefined;
  return {
    kind: 'validation',
    code: 'bad-tenant-id',
    detail: 'a tenant is named by its id (UUID) or its slug',
    errors: [{ path: '/params/id', message: 'not a UUID or slug' }],
  };
}

/**
 * Whether the caller may administer the tenant `tenantId` (its keys and webhooks): a platform
 * admin may administer any; a tenant admin only a tenant its credentials name. The guard already
 * refused a tenant admin naming another tenant; this checks it again against the registry's own
 * record, whatever name (id or slug) the path used.
 */
export function administrationRefusal(claims: Claims, tenantId: string): Refusal | undefined {
  if (hasRole(claims.roles, 'platform-admin')) return undefined;
  if (hasRole(claims.roles, 'tenant-admin') && claims.tenants.includes(tenantId.toLowerCase()))
    return undefined;
  return {
    kind: 'tenantForbidden',
    code: 'tenant-forbidden',
    detail: 'the caller may not administer this tenant',
  };
}
