import { randomBytes, randomUUID } from 'node:crypto';
import { PLATFORM_TENANT_ID } from '@platform/audit';
import { tenantStreamName } from '@platform/contracts';
import { registryFixture, testCaller, type RegistryFixture } from '../testing/registry-fixture';
import { applyManifest } from './apply-manifest';

const manifest = (slug: string, spec: Record<string, string>) => `apiVersion: tenantflow/v1
kind: Tenant
metadata:
  slug: ${slug}
spec:
${Object.entries(spec)
  .map(([key, value]) => `  ${key}: ${value}`)
  .join('\n')}
`;

describe('declarative manifests on PostgreSQL', () => {
  let fixture: RegistryFixture;
  const apply = (slug: string, text: string, contentType = 'application/yaml') =>
    applyManifest(
      {
        db: fixture.db,
        commands: fixture.commands,
        allowedRegions: ['eu-west-1', 'us-east-1'],
        newId: randomUUID,
      },
      slug,
      text,
      contentType,
      testCaller(),
    );
  const spec = { name: 'Acme Inc', plan: 'standard', isolation: 'schema', region: 'eu-west-1' };

  beforeAll(async () => {
    fixture = await registryFixture();
  });
  afterAll(() => fixture.close());

  it('creates the tenant from its manifest, and applying it again changes nothing', async () => {
    const slug = `mf-${randomBytes(3).toString('hex')}`;
    const first = await apply(slug, manifest(slug, spec));
    expect(first).toMatchObject({
      ok: true,
      created: true,
      tenant: { slug, status: 'draft', manifestVersion: 1 },
    });
    if (!first.ok) return;
    const stream = () => fixture.db.store.readStream(PLATFORM_TENANT_ID, tenantStreamName(first.tenant.id));
    expect((await stream()).map((e) => e.type)).toEqual(['TenantCreated', 'TenantManifestApplied']);

    // The same desired tenant in JSON, keys in another order: the same hash, nothing to do.
    const json = JSON.stringify({ kind: 'Tenant', apiVersion: 'tenantflow/v1', spec, metadata: { slug } });
    const again = await apply(slug, json, 'application/json');
    expect(again).toMatchObject({ ok: true, created: false, tenant: { manifestVersion: 1, version: 2 } });
    expect(await stream()).toHaveLength(2);
    expect(await fixture.db.audit.list(first.tenant.id, { limit: 10 })).toHaveLength(2);

    // A new plan: a new manifest version, and the plan change of its own.
    const upgraded = await apply(slug, manifest(slug, { ...spec, plan: 'enterprise' }));
    expect(upgraded).toMatchObject({ ok: true, tenant: { manifestVersion: 2, plan: 'enterprise' } });
    expect((await stream()).map((e) => e.type).slice(2)).toEqual([
      'TenantManifestApplied',
      'TenantPlanUpdated',
    ]);
  });

  it('refuses a manifest for another slug, an immutable change, or a region out of policy', async () => {
    const slug = `mf-${randomBytes(3).toString('hex')}`;
    expect(await apply(slug, manifest('someone-else', spec))).toMatchObject({
      ok: false,
      refusal: { kind: 'validation', errors: [{ path: '/metadata/slug' }] },
    });
    expect(await apply(slug, manifest(slug, { ...spec, region: 'ap-south-1' }))).toMatchObject({
      ok: false,
      refusal: { kind: 'validation', errors: [{ path: '/region' }] },
    });
    expect((await apply(slug, manifest(slug, spec))).ok).toBe(true);
    expect(await apply(slug, manifest(slug, { ...spec, isolation: 'dedicated' }))).toMatchObject({
      ok: false,
      refusal: { kind: 'conflict', code: 'immutable-field' },
    });
    expect(await apply(slug, 'kind: [')).toMatchObject({ ok: false, refusal: { kind: 'validation' } });
  });
});
