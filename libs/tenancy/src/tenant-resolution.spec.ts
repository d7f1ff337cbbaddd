import { ProblemError, type TenantSnapshot } from '@platform/contracts';
import { TenantDirectory } from './tenant-directory';
import { resolveTenant } from './tenant-resolution';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';

const tenant = (
  tenantId: string,
  slug: string,
  status: TenantSnapshot['status'],
  version = 2,
): TenantSnapshot => ({
  tenantId,
  slug,
  name: slug,
  status,
  plan: 'standard',
  isolation: 'schema',
  region: 'eu-west-1',
  version,
});

function directoryWith(...tenants: TenantSnapshot[]): TenantDirectory {
  const directory = new TenantDirectory();
  tenants.forEach((t) => directory.apply(t));
  return directory;
}

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProblemError) return error.kind;
    throw error;
  }
  throw new Error('expected a ProblemError');
}

describe('resolveTenant', () => {
  const directory = directoryWith(tenant(A, 'acme', 'active'), tenant(B, 'globex', 'active'));
  const claims = { sub: 'u1', tenants: [A], roles: ['member'] };

  it('takes the only tenant of the token when the header is absent', () => {
    expect(resolveTenant(claims, undefined, directory, 'write')).toBe(A);
  });

  it('accepts the id or the slug in X-Tenant-ID', () => {
    expect(resolveTenant(claims, A.toUpperCase(), directory, 'write')).toBe(A);
    expect(resolveTenant(claims, 'acme', directory, 'write')).toBe(A);
  });

  it('refuses a tenant the token does not name, by id or by slug, with 403', () => {
    expect(problemOf(() => resolveTenant(claims, B, directory, 'read'))).toBe('tenantForbidden');
    expect(problemOf(() => resolveTenant(claims, 'globex', directory, 'read'))).toBe('tenantForbidden');
  });

  it('answers an unknown slug like a forbidden tenant', () => {
    expect(problemOf(() => resolveTenant(claims, 'nobody-here', directory, 'read'))).toBe('tenantForbidden');
  });

  it('asks for the header when the token names several tenants', () => {
    const both = { ...claims, tenants: [A, B] };
    expect(problemOf(() => resolveTenant(both, undefined, directory, 'read'))).toBe('validation');
    expect(resolveTenant(both, B, directory, 'read')).toBe(B);
  });

  it('refuses a token with no tenant at all', () => {
    expect(problemOf(() => resolveTenant({ ...claims, tenants: [] }, undefined, directory, 'read'))).toBe(
      'tenantForbidden',
    );
  });

  it('rejects a header that is neither a UUID nor a slug with 400', () => {
    expect(problemOf(() => resolveTenant(claims, 'not a tenant!', directory, 'read'))).toBe('validation');
  });

  it('lets a suspended tenant read but not write', () => {
    const suspended = directoryWith(tenant(A, 'acme', 'suspended', 3));
    expect(resolveTenant(claims, A, suspended, 'read')).toBe(A);
    expect(problemOf(() => resolveTenant(claims, A, suspended, 'write'))).toBe('tenantSuspended');
  });

  it('refuses archived, draft and unknown tenants', () => {
    expect(
      problemOf(() => resolveTenant(claims, A, directoryWith(tenant(A, 'acme', 'archived')), 'read')),
    ).toBe('tenantArchived');
    expect(
      problemOf(() => resolveTenant(claims, A, directoryWith(tenant(A, 'acme', 'draft', 1)), 'read')),
    ).toBe('tenantNotActive');
    expect(problemOf(() => resolveTenant(claims, A, new TenantDirectory(), 'read'))).toBe('tenantNotActive');
  });
});

describe('TenantDirectory', () => {
  it('keeps the newest version whatever the delivery order', () => {
    const directory = directoryWith(tenant(A, 'acme', 'suspended', 3), tenant(A, 'acme', 'active', 2));
    expect(directory.byTenantId(A)?.status).toBe('suspended');
    expect(directory.byTenantSlug('acme')?.version).toBe(3);
  });
});
