import { isUuid, ProblemError, SLUG_PATTERN, type ProblemData, type TenantStatus } from '@platform/contracts';
import type { Claims } from './claims';
import type { TenantDirectory } from './tenant-directory';

export type AccessMode = 'read' | 'write';

/**
 * Decides which tenant a request acts in (contract section 2), from the verified claims and the
 * `X-Tenant-ID` header (id or slug), never from a body. Throws a {@link ProblemError}:
 * 400 for a malformed header, 403 when the caller may not act in that tenant or the tenant's
 * status forbids the access.
 */
export function resolveTenant(
  claims: Claims,
  header: string | undefined,
  directory: TenantDirectory,
  mode: AccessMode,
): string {
  const tenantId = pickTenantId(claims, header, directory);
  if (!claims.tenants.includes(tenantId)) {
    throw new ProblemError('tenantForbidden', 'the caller may not act in this tenant');
  }
  const refusal = statusRefusal(directory.byTenantId(tenantId)?.status, mode);
  if (refusal) throw ProblemError.from(refusal);
  return tenantId;
}

/**
 * Whether a tenant's status forbids an access, as the contract says: suspended tenants read but do
 * not write, archived and deleted ones do neither, draft or unknown ones are not active. The one
 * rule, used by the HTTP guard and by the command service for commands arriving on Kafka.
 */
export function statusRefusal(status: TenantStatus | undefined, mode: AccessMode): ProblemData | undefined {
  switch (status) {
    case 'active':
      return undefined;
    case 'suspended':
      return mode === 'read'
        ? undefined
        : { kind: 'tenantSuspended', detail: 'the tenant is suspended: reads only' };
    case 'archived':
    case 'deleted':
      return { kind: 'tenantArchived', detail: 'the tenant is archived' };
    case 'draft':
    case undefined:
      return { kind: 'tenantNotActive', detail: 'the tenant is not active (yet)' };
  }
}

function pickTenantId(claims: Claims, header: string | undefined, directory: TenantDirectory): string {
  if (header === undefined || header === '') {
    const [only, ...others] = claims.tenants;
    if (only !== undefined && others.length === 0) return only.toLowerCase();
    if (only === undefined) throw new ProblemError('tenantForbidden', 'the caller may act in no tenant');
    throw new ProblemError('validation', 'X-Tenant-ID is required: the token names several tenants', [
      { path: '/headers/x-tenant-id', message: 'required' },
    ]);
  }
  if (isUuid(header)) return header.toLowerCase();
  if (SLUG_PATTERN.test(header)) {
    const tenant = directory.byTenantSlug(header);
    // An unknown slug is answered like a tenant the caller may not act in: no existence leak.
    if (!tenant) throw new ProblemError('tenantForbidden', 'the caller may not act in this tenant');
    return tenant.tenantId;
  }
  throw new ProblemError('validation', 'X-Tenant-ID must be a tenant id (UUID) or slug', [
    { path: '/headers/x-tenant-id', message: 'not a UUID or slug' },
  ]);
}
