import { randomBytes, randomUUID } from 'node:crypto';
import { PLATFORM_TENANT_ID } from '@platform/audit';
import { atVersion, tenantStreamName, type EntityTagCondition } from '@platform/contracts';
import type { PostgresEventStore } from '@platform/event-store';
import { applyManifest } from '../manifests/apply-manifest';
import type { RegistryDatabase } from '../registry/registry-database';
import { createTenant, registryFixture, testCaller, type RegistryFixture } from '../testing/registry-fixture';
import { TenantCommands } from './tenant-commands';
import { requestTenantDeletion } from './tenant-deletion';
import type { LoadedTenant } from './tenant-stream';

// `If-Match` on the tenant's version (ADR 0011), on a real PostgreSQL: every control-plane write
// on an existing tenant compares it with the version it loaded, and a change that lands between
// that load and the commit is a 412 too.

const NOTHING_PURGED = { events: 0, readModels: 0, checkpoints: 0, deadLetters: 0, idempotencyRecords: 0 };

describe('If-Match on tenants', () => {
  let fixture: RegistryFixture;
  const streamOf = (tenantId: string) =>
    fixture.db.store.readStream(PLATFORM_TENANT_ID, tenantStreamName(tenantId));
  const activeTenant = async (): Promise<string> => {
    const created = await createTenant(fixture.commands, { plan: 'free' });
    const activated = await fixture.commands.execute(
      { type: 'ActivateTenant', data: { tenantId: created.tenantId } },
      testCaller(),
    );
    expect(activated).toMatchObject({ ok: true, tenant: { version: 2 } });
    return created.tenantId;
  };
  const changePlan = (tenantId: string, ifMatch: EntityTagCondition, commands = fixture.commands) =>
    commands.execute({ type: 'ChangePlan', data: { tenantId, plan: 'enterprise' } }, testCaller(), {
      ifMatch,
    });

  beforeAll(async () => {
    fixture = await registryFixture();
  });
  afterAll(() => fixture.close());

  it('changes a tenant at the version If-Match names; refuses another version with 412 and changes nothing', async () => {
    const tenantId = await activeTenant();

    const stale = await changePlan(tenantId, atVersion(1));
    const weak = await changePlan(tenantId, { kind: 'tags', tags: [{ weak: true, opaque: '2' }] });

    for (const refused of [stale, weak]) {
      expect(refused).toMatchObject({
        ok: false,
        refusal: {
          kind: 'versionMismatch',
          code: 'version-mismatch',
          detail: expect.stringMatching(/version 2/),
        },
      });
    }
    expect(await streamOf(tenantId)).toHaveLength(2);
    expect(await fixture.db.tenants.find(tenantId)).toMatchObject({ plan: 'free', version: 2 });

    const current = await changePlan(tenantId, atVersion(2));
    expect(current).toMatchObject({ ok: true, tenant: { plan: 'enterprise', version: 3 } });
    // `*`: the tenant exists. A command that changes nothing still checks the precondition.
    expect(await changePlan(tenantId, { kind: 'any' })).toMatchObject({ ok: true, events: [] });
    expect(await changePlan(tenantId, atVersion(2))).toMatchObject({
      ok: false,
      refusal: { kind: 'versionMismatch' },
    });
  });

  it('answers 412 when the tenant changes between the load that matched and the commit', async () => {
    const tenantId = await activeTenant();
    // Another admin's suspension commits right after this command loaded the tenant at version 2.
    class Interleaved extends TenantCommands {
      private interfered = false;
      override async load(id: string): Promise<LoadedTenant> {
        const loaded = await super.load(id);
        if (!this.interfered) {
          this.interfered = true;
          const other = await fixture.commands.execute(
            { type: 'SuspendTenant', data: { tenantId: id, reason: 'unpaid' } },
            testCaller('other-admin'),
          );
          expect(other).toMatchObject({ ok: true, tenant: { version: 3 } });
        }
        return loaded;
      }
    }

    const outcome = await changePlan(tenantId, atVersion(2), new Interleaved(fixture.db));

    expect(outcome).toMatchObject({
      ok: false,
      refusal: { kind: 'versionMismatch', detail: expect.stringMatching(/version 3/) },
    });
    expect((await streamOf(tenantId)).map((e) => e.type)).toEqual([
      'TenantCreated',
      'TenantActivated',
      'TenantSuspended',
    ]);
    expect(await fixture.db.tenants.find(tenantId)).toMatchObject({ plan: 'free', status: 'suspended' });
  });

  describe('deletion', () => {
    const archivedTenant = async (): Promise<string> => {
      const tenantId = await activeTenant();
      const archived = await fixture.commands.execute(
        { type: 'ArchiveTenant', data: { tenantId } },
        testCaller(),
      );
      expect(archived).toMatchObject({ ok: true, tenant: { version: 3 } });
      return tenantId;
    };

    it('is requested at the version If-Match names, and refused (412) at another', async () => {
      const tenantId = await archivedTenant();

      const stale = await requestTenantDeletion(fixture.db, tenantId, testCaller(), {
        ifMatch: atVersion(2),
      });
      expect(stale).toMatchObject({ ok: false, refusal: { kind: 'versionMismatch' } });
      expect((await fixture.db.tenants.find(tenantId))?.deletionRequestedAt).toBeUndefined();

      const current = await requestTenantDeletion(fixture.db, tenantId, testCaller(), {
        ifMatch: atVersion(3),
      });
      expect(current).toMatchObject({ ok: true, tenant: { deletionRequestedAt: expect.any(String) } });
    });

    it('is refused (412) when the tenant changes between the load and the row lock, and records nothing', async () => {
      const tenantId = await archivedTenant();
      // The controller records the tenant's deletion right after this request loaded it at version 3.
      const racingStore = {
        readStream: async (...args: Parameters<PostgresEventStore['readStream']>) => {
          const events = await fixture.db.store.readStream(...args);
          const deleted = await fixture.commands.execute(
            { type: 'DeleteTenant', data: { tenantId, purged: NOTHING_PURGED } },
            testCaller('service:tenant-controller'),
          );
          expect(deleted).toMatchObject({ ok: true, tenant: { version: 4 } });
          return events;
        },
      } as unknown as PostgresEventStore;
      const racing: RegistryDatabase = Object.assign(Object.create(fixture.db) as RegistryDatabase, {
        store: racingStore,
      });

      const outcome = await requestTenantDeletion(racing, tenantId, testCaller(), { ifMatch: atVersion(3) });

      expect(outcome).toMatchObject({
        ok: false,
        refusal: { kind: 'versionMismatch', detail: expect.stringMatching(/version 4/) },
      });
      expect((await fixture.db.tenants.find(tenantId))?.deletionRequestedAt).toBeUndefined();
      const actions = (await fixture.db.audit.list(tenantId, { limit: 20 })).map((r) => r.action);
      expect(actions).not.toContain('tenant.request-deletion');
    });
  });

  describe('manifests', () => {
    const manifest = (slug: string, plan: string) =>
      JSON.stringify({
        apiVersion: 'tenantflow/v1',
        kind: 'Tenant',
        metadata: { slug },
        spec: { name: 'Acme', plan, isolation: 'schema', region: 'eu-west-1' },
      });
    const apply = (slug: string, plan: string, ifMatch?: EntityTagCondition) =>
      applyManifest(
        { db: fixture.db, commands: fixture.commands, allowedRegions: ['eu-west-1'], newId: randomUUID },
        slug,
        manifest(slug, plan),
        'application/json',
        testCaller(),
        ifMatch,
      );

    it('applies a manifest written against the current version; 412 for another, or for no tenant yet', async () => {
      const slug = `im-${randomBytes(3).toString('hex')}`;
      expect(await apply(slug, 'free', { kind: 'any' })).toMatchObject({
        ok: false,
        refusal: {
          kind: 'versionMismatch',
          detail: expect.stringContaining(`tenant ${slug} does not exist`),
        },
      });
      const created = await apply(slug, 'free');
      expect(created).toMatchObject({ ok: true, created: true, tenant: { version: 2 } });
      if (!created.ok) return;

      const stale = await apply(slug, 'enterprise', atVersion(1));
      expect(stale).toMatchObject({ ok: false, refusal: { kind: 'versionMismatch' } });
      expect(await streamOf(created.tenant.id)).toHaveLength(2);

      // Two steps (the manifest, then the plan change), each on the version the one before left.
      const current = await apply(slug, 'enterprise', atVersion(2));
      expect(current).toMatchObject({
        ok: true,
        tenant: { plan: 'enterprise', version: 4, manifestVersion: 2 },
      });
      // Nothing to do, but still a precondition.
      expect(await apply(slug, 'enterprise', atVersion(2))).toMatchObject({
        ok: false,
        refusal: { kind: 'versionMismatch' },
      });
      expect(await apply(slug, 'enterprise', atVersion(4))).toMatchObject({ ok: true, created: false });
    });
  });
});
