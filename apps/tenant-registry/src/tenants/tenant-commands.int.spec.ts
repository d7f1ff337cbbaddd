import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { PLATFORM_TENANT_ID } from '@platform/audit';
import { atVersion, tenantStreamName } from '@platform/contracts';
import { testInfra } from '@platform/testing';
import { RegistryDatabase } from '../registry/registry-database';
import {
  asSuperuser,
  createTenant,
  registryFixture,
  testCaller,
  type RegistryFixture,
} from '../testing/registry-fixture';
import { TenantCommands } from './tenant-commands';

// The command path on a real PostgreSQL: a tenant's event, its record, its slug and its audit
// record commit together, or not at all.

describe('tenant commands on PostgreSQL', () => {
  let fixture: RegistryFixture;
  const streamOf = (tenantId: string) =>
    fixture.db.store.readStream(PLATFORM_TENANT_ID, tenantStreamName(tenantId));
  const slugRow = async (slug: string) =>
    (
      await fixture.db.pool.query(
        `select tenant_id from "${fixture.schemas.registry}".slugs where slug = $1`,
        [slug],
      )
    ).rows[0] as { tenant_id: string } | undefined;

  beforeAll(async () => {
    fixture = await registryFixture();
  });
  afterAll(() => fixture.close());

  it('creates a tenant: its record, its event in the platform-owned stream and its audit record', async () => {
    const caller = testCaller('alice');
    const slug = `acme-${randomBytes(3).toString('hex')}`;
    const created = await createTenant(fixture.commands, { slug, caller, isolation: 'shared' });

    expect(created.ok).toBe(true);
    const tenant = await fixture.db.tenants.find(created.tenantId);
    expect(tenant).toMatchObject({
      id: created.tenantId,
      slug,
      status: 'draft',
      isolation: 'shared',
      version: 1,
    });
    expect(tenant?.conditions.map((c) => `${c.type}=${c.status}`)).toEqual([
      'Provisioned=Unknown',
      'Ready=False',
    ]);
    expect(await fixture.db.tenants.find(slug)).toEqual(tenant);

    const [event, ...more] = await streamOf(created.tenantId);
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      type: 'TenantCreated',
      tenantId: PLATFORM_TENANT_ID,
      data: { tenantId: created.tenantId, slug, status: 'draft', version: 1 },
      metadata: {
        tenantId: PLATFORM_TENANT_ID,
        actor: 'alice',
        correlationId: caller.correlationId,
        causationId: caller.causationId,
      },
    });
    // Purging the tenant's own data leaves its lifecycle: the stream is not the tenant's.
    expect(await fixture.db.store.readStream(created.tenantId, tenantStreamName(created.tenantId))).toEqual(
      [],
    );

    const records = await fixture.db.audit.list(created.tenantId, { limit: 10 });
    expect(records).toEqual([
      expect.objectContaining({
        tenantId: created.tenantId,
        actor: 'alice',
        action: 'tenant.create',
        target: `tenant/${created.tenantId}`,
        previousState: null,
        newState: expect.objectContaining({ status: 'draft', slug }),
        requestId: caller.requestId,
        correlationId: caller.correlationId,
        verified: true,
      }),
    ]);
    expect(await slugRow(slug)).toEqual({ tenant_id: created.tenantId });
  });

  it('records each change with the state before and after', async () => {
    const created = await createTenant(fixture.commands);
    const caller = testCaller('bob');
    const activated = await fixture.commands.execute(
      { type: 'ActivateTenant', data: { tenantId: created.tenantId } },
      caller,
    );
    const suspended = await fixture.commands.execute(
      { type: 'SuspendTenant', data: { tenantId: created.tenantId, reason: 'unpaid' } },
      caller,
    );
    expect([activated.ok, suspended.ok]).toEqual([true, true]);
    const again = await fixture.commands.execute(
      { type: 'SuspendTenant', data: { tenantId: created.tenantId, reason: 'x' } },
      caller,
    );
    expect(again).toMatchObject({ ok: false, refusal: { kind: 'conflict', code: 'invalid-transition' } });

    expect((await streamOf(created.tenantId)).map((e) => e.type)).toEqual([
      'TenantCreated',
      'TenantActivated',
      'TenantSuspended',
    ]);
    const records = await fixture.db.audit.list(created.tenantId, { limit: 10 });
    expect(records.map((r) => r.action)).toEqual(['tenant.create', 'tenant.activate', 'tenant.suspend']);
    expect(records[2]).toMatchObject({
      previousState: expect.objectContaining({ status: 'active', version: 2 }),
      newState: expect.objectContaining({ status: 'suspended', version: 3, reason: 'unpaid' }),
    });
    expect(await fixture.db.audit.verify(created.tenantId)).toEqual({ valid: true, checked: 3 });
    expect(await fixture.db.tenants.find(created.tenantId)).toMatchObject({
      status: 'suspended',
      version: 3,
    });
  });

  describe("an API caller's refused command (auditRefusal)", () => {
    it("is recorded on the tenant's chain as tenant.<action>.refused, and changes nothing else", async () => {
      const created = await createTenant(fixture.commands);
      const caller = testCaller('carol');

      const refused = await fixture.commands.execute(
        { type: 'ResumeTenant', data: { tenantId: created.tenantId } },
        caller,
        { auditRefusal: true },
      );

      expect(refused).toMatchObject({ ok: false, refusal: { kind: 'conflict', code: 'invalid-transition' } });
      expect(await streamOf(created.tenantId)).toHaveLength(1);
      const records = await fixture.db.audit.list(created.tenantId, { limit: 10 });
      expect(records.map((r) => r.action)).toEqual(['tenant.create', 'tenant.resume.refused']);
      expect(records[1]).toMatchObject({
        actor: caller.actor,
        target: `tenant/${created.tenantId}`,
        requestId: caller.requestId,
        correlationId: caller.correlationId,
        previousState: {
          tenant: expect.objectContaining({ status: 'draft', version: 1 }),
          refusal: { kind: 'conflict', code: 'invalid-transition' },
        },
      });
      expect(records[1]?.newState).toEqual(records[1]?.previousState);
      expect(await fixture.db.audit.verify(created.tenantId)).toEqual({ valid: true, checked: 2 });
      expect(await fixture.db.tenants.find(created.tenantId)).toMatchObject({ status: 'draft', version: 1 });
    });

    it('records a stale If-Match (412) too', async () => {
      const created = await createTenant(fixture.commands);
      const refused = await fixture.commands.execute(
        { type: 'ChangePlan', data: { tenantId: created.tenantId, plan: 'free' } },
        testCaller(),
        { auditRefusal: true, ifMatch: atVersion(7) },
      );
      expect(refused).toMatchObject({ ok: false, refusal: { kind: 'versionMismatch' } });
      expect((await fixture.db.audit.list(created.tenantId, { limit: 10 })).map((r) => r.action)).toEqual([
        'tenant.create',
        'tenant.change-plan.refused',
      ]);
    });

    it('records a creation refused for its slug on the platform chain, not on a chain of its own', async () => {
      const slug = `refused-${randomBytes(3).toString('hex')}`;
      await createTenant(fixture.commands, { slug });
      const second = randomUUID();
      const refused = await fixture.commands.execute(
        {
          type: 'CreateTenant',
          data: {
            tenantId: second,
            slug,
            name: 'Again',
            plan: 'free',
            isolation: 'shared',
            region: 'eu-west-1',
          },
        },
        testCaller(),
        { auditRefusal: true },
      );
      expect(refused).toMatchObject({ ok: false, refusal: { code: 'slug-taken' } });
      expect(await fixture.db.audit.list(second, { limit: 10 })).toEqual([]);
      const platform = await fixture.db.audit.list(PLATFORM_TENANT_ID, { limit: 1000 });
      expect(platform.filter((r) => r.target === `tenant/${second}`).map((r) => r.action)).toEqual([
        'tenant.create.refused',
      ]);
    });

    it('is not recorded without auditRefusal (the controller), nor for a tenant that does not exist', async () => {
      const created = await createTenant(fixture.commands);
      await fixture.commands.execute(
        { type: 'ResumeTenant', data: { tenantId: created.tenantId } },
        testCaller(),
      );
      const unknown = randomUUID();
      await fixture.commands.execute({ type: 'ResumeTenant', data: { tenantId: unknown } }, testCaller(), {
        auditRefusal: true,
      });

      expect((await fixture.db.audit.list(created.tenantId, { limit: 10 })).map((r) => r.action)).toEqual([
        'tenant.create',
      ]);
      expect(await fixture.db.audit.list(unknown, { limit: 10 })).toEqual([]);
      const platform = await fixture.db.audit.list(PLATFORM_TENANT_ID, { limit: 1000 });
      expect(platform.filter((r) => r.target === `tenant/${unknown}`)).toEqual([]);
    });
  });

  it('changes nothing for a command that asks for what already holds', async () => {
    const created = await createTenant(fixture.commands, { plan: 'free' });
    const same = await fixture.commands.execute(
      { type: 'ChangePlan', data: { tenantId: created.tenantId, plan: 'free' } },
      testCaller(),
    );
    expect(same).toMatchObject({ ok: true, events: [] });
    expect(await streamOf(created.tenantId)).toHaveLength(1);
    expect(await fixture.db.audit.list(created.tenantId, { limit: 10 })).toHaveLength(1);
  });

  describe('when the audit record cannot be written', () => {
    // A role that may do everything the registry does except write audit records: PostgreSQL
    // itself refuses the audit insert, inside the transaction that appends the event.
    const role = `registry_it_no_audit_${randomBytes(4).toString('hex')}`;
    let restricted: Pool;
    let restrictedDb: RegistryDatabase;

    beforeAll(async () => {
      const { registry, eventStore, audit, webhooks } = fixture.schemas;
      await asSuperuser(async (client) => {
        await client.query(`create role ${role} nologin`);
        for (const schema of [registry, eventStore, webhooks]) {
          await client.query(`grant usage on schema "${schema}" to ${role}`);
          await client.query(`grant select, insert, update on all tables in schema "${schema}" to ${role}`);
          await client.query(`grant usage on all sequences in schema "${schema}" to ${role}`);
          await client.query(`grant execute on all functions in schema "${schema}" to ${role}`);
        }
        await client.query(`grant usage on schema "${audit}" to ${role}`);
        await client.query(`grant select on all tables in schema "${audit}" to ${role}`);
        await client.query(`grant execute on all functions in schema "${audit}" to ${role}`);
      });
      restricted = new Pool({ connectionString: testInfra.databaseUrl, max: 2, options: `-c role=${role}` });
      restrictedDb = new RegistryDatabase(restricted, fixture.schemas);
    });

    afterAll(async () => {
      await restricted.end();
      await asSuperuser(async (client) => {
        await client.query(`drop owned by ${role}`);
        await client.query(`drop role ${role}`);
      });
    });

    it('does not create the tenant: no record, no event, no slug taken', async () => {
      const slug = `noaudit-${randomBytes(3).toString('hex')}`;
      const attempt = createTenant(new TenantCommands(restrictedDb), { slug });

      await expect(attempt).rejects.toMatchObject({
        code: '42501',
        message: expect.stringMatching(/records/),
      });
      const owner = await slugRow(slug);
      expect(owner).toBeUndefined();
      expect(await fixture.db.tenants.find(slug)).toBeUndefined();
      const { rows } = await fixture.db.pool.query<{ count: string }>(
        `select count(*) as count from "${fixture.schemas.eventStore}".events where data->>'slug' = $1`,
        [slug],
      );
      expect(rows[0]?.count).toBe('0');

      // The same request with a working audit log succeeds: the slug was never taken.
      expect((await createTenant(fixture.commands, { slug })).ok).toBe(true);
    });

    it("answers an API caller's refusal it cannot record with 503, not with the refusal", async () => {
      const created = await createTenant(fixture.commands);
      const attempt = new TenantCommands(restrictedDb).execute(
        { type: 'ResumeTenant', data: { tenantId: created.tenantId } },
        testCaller(),
        { auditRefusal: true },
      );

      await expect(attempt).rejects.toMatchObject({ kind: 'unavailable', headers: { 'retry-after': '5' } });
      expect((await fixture.db.audit.list(created.tenantId, { limit: 10 })).map((r) => r.action)).toEqual([
        'tenant.create',
      ]);
    });

    it('does not suspend the tenant either (a CHECK the audit insert violates)', async () => {
      const created = await createTenant(fixture.commands);
      await fixture.commands.execute(
        { type: 'ActivateTenant', data: { tenantId: created.tenantId } },
        testCaller(),
      );
      const constraint = `no_suspend_${randomBytes(3).toString('hex')}`;
      await asSuperuser((client) =>
        client.query(
          `alter table "${fixture.schemas.audit}".records add constraint ${constraint}
             check (action <> 'tenant.suspend' or tenant_id <> '${created.tenantId}') not valid`,
        ),
      );
      try {
        const attempt = fixture.commands.execute(
          { type: 'SuspendTenant', data: { tenantId: created.tenantId, reason: 'unpaid' } },
          testCaller(),
        );
        await expect(attempt).rejects.toMatchObject({ code: '23514' });
      } finally {
        await asSuperuser((client) =>
          client.query(`alter table "${fixture.schemas.audit}".records drop constraint ${constraint}`),
        );
      }
      expect((await streamOf(created.tenantId)).map((e) => e.type)).toEqual([
        'TenantCreated',
        'TenantActivated',
      ]);
      expect(await fixture.db.tenants.find(created.tenantId)).toMatchObject({ status: 'active', version: 2 });
    });
  });

  it('lets exactly one of concurrent creations of one slug win; the other is a 409', async () => {
    for (let round = 0; round < 5; round++) {
      const slug = `race-${randomBytes(3).toString('hex')}`;
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      const outcomes = await Promise.all(
        ids.map((tenantId) => createTenant(fixture.commands, { slug, tenantId })),
      );

      const winners = outcomes.filter((o) => o.ok);
      expect(winners).toHaveLength(1);
      const losers = outcomes.filter((o) => !o.ok);
      for (const loser of losers) {
        expect(loser).toMatchObject({ ok: false, refusal: { kind: 'conflict', code: 'slug-taken' } });
        expect(await streamOf(loser.tenantId)).toEqual([]);
        expect(await fixture.db.audit.list(loser.tenantId, { limit: 10 })).toEqual([]);
      }
      const winner = winners[0]?.tenantId ?? '';
      expect(await slugRow(slug)).toEqual({ tenant_id: winner });
      expect(await streamOf(winner)).toHaveLength(1);
    }
  });

  it('never gives a tenant id twice', async () => {
    const created = await createTenant(fixture.commands);
    const again = await createTenant(fixture.commands, { tenantId: created.tenantId });
    expect(again).toMatchObject({ ok: false, refusal: { kind: 'conflict', code: 'tenant-already-exists' } });
  });
});
