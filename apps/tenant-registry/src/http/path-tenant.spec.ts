import { administrationRefusal, pathTenantRefusal } from './path-tenant';

const A = '8e1f0c55-1d2b-4f7a-9c3e-2a1b0c9d8e7f';
const B = '11111111-1111-4111-8111-111111111111';

describe('access to the tenant named in a path', () => {
  it('lets a platform admin administer any tenant', () => {
    expect(administrationRefusal({ sub: 'ops', roles: ['platform-admin'], tenants: [] }, A)).toBeUndefined();
  });

  it("lets a tenant admin administer the tenants its credentials name, by the registry's id", () => {
    const admin = { sub: 'alice', roles: ['tenant-admin'], tenants: [A] };
    expect(administrationRefusal(admin, A)).toBeUndefined();
    expect(administrationRefusal(admin, A.toUpperCase())).toBeUndefined();
  });

  it("refuses a tenant admin another tenant's routes with a 403", () => {
    const admin = { sub: 'alice', roles: ['tenant-admin'], tenants: [A] };
    expect(administrationRefusal(admin, B)).toMatchObject({ kind: 'tenantForbidden' });
  });

  it('refuses a member or viewer of the tenant', () => {
    expect(administrationRefusal({ sub: 'bob', roles: ['member'], tenants: [A] }, A)?.kind).toBe(
      'tenantForbidden',
    );
    expect(administrationRefusal({ sub: 'eve', roles: ['viewer'], tenants: [A] }, A)?.kind).toBe(
      'tenantForbidden',
    );
  });

  it.each([A, 'acme', 'acme-eu-1'])('accepts %s as a tenant name', (name) => {
    expect(pathTenantRefusal(name)).toBeUndefined();
  });

  it.each(['Acme', 'a', '../etc', 'not a uuid', '8e1f0c55'])('refuses %s with a 400', (name) => {
    expect(pathTenantRefusal(name)).toMatchObject({ kind: 'validation', errors: [{ path: '/params/id' }] });
  });
});
