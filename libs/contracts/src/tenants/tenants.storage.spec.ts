import { findMessageDefinition } from '../registry';
import { Topics } from '../topics';

const tenantId = '7b4f0a4e-6f51-4c39-9d4b-0b8e7f0c2a11';
const samples = {
  TenantStoragePurgeRequested: { tenantId, isolation: 'schema' },
  TenantStorageProvisioned: { tenantId, owner: 'projection-service', description: 'schema tenant_7b4f' },
  TenantStoragePurged: { tenantId, owner: 'saga-service', objects: 3, description: '3 rows' },
};

describe('tenant storage reports (ADR 0031)', () => {
  it.each(Object.entries(samples))(
    '%s is registered on tenants.storage and accepts its sample',
    (name, data) => {
      const definition = findMessageDefinition(`tenants.${name}`);
      expect(definition).toMatchObject({ kind: 'event', context: 'tenants', topic: Topics.tenantsStorage });
      expect(definition?.schema.safeParse(data).success).toBe(true);
    },
  );

  it('refuses an owner that is not a service name', () => {
    const definition = findMessageDefinition('tenants.TenantStorageProvisioned');
    expect(
      definition?.schema.safeParse({ ...samples.TenantStorageProvisioned, owner: 'Projection Service' })
        .success,
    ).toBe(false);
  });
});
