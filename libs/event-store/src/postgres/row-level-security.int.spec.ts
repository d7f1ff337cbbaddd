import { randomBytes, randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { collect, idsOf, newEvents } from '../testing/contract/fixtures';
import {
  TEST_DATABASE_URL,
  dropSchema,
  randomTestSchema,
  testDatabaseUrlAs,
  withTestClient,
} from '../testing/postgres-test-schema';
import { PostgresEventStore } from './postgres-event-store';
import { TENANT_TABLES } from './row-level-security.sql';

// Shared mode: the services connect as a role that does not own the tables, with RLS on; the adapter
// sets app.tenant_id per transaction. The owner (here the superuser that migrates) is the system path.

describe('row-level security on PostgreSQL', () => {
  const schema = randomTestSchema();
  const role = `es_app_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  const appUrl = testDatabaseUrlAs(role, password);
  const [tenantA, tenantB] = [randomUUID(), randomUUID()];
  const stream = 'order-1';
  let system: PostgresEventStore;
  let app: PostgresEventStore;

  beforeAll(async () => {
    system = await PostgresEventStore.create({
      connectionString: TEST_DATABASE_URL,
      schema,
      rowLevelSecurity: true,
    });
    await system.migrate();
    await withTestClient(async (client) => {
      await client.query(`create role ${role} login password '${password}'`);
      await client.query(`grant usage on schema "${schema}" to ${role}`);
      await client.query(
        `grant select, insert, update, delete on all tables in schema "${schema}" to ${role}`,
      );
      await client.query(`grant usage on all sequences in schema "${schema}" to ${role}`);
    });
    app = await PostgresEventStore.create({
      connectionString: appUrl,
      schema,
      rowLevelSecurity: true,
      poolSize: 2,
    });
    await app.appendToStream(tenantA, stream, newEvents(tenantA, 2), { expectedVersion: 'no-stream' });
    await app.appendToStream(tenantB, stream, newEvents(tenantB, 1), { expectedVersion: 'no-stream' });
    const snapshot = { streamName: stream, aggregateType: 'order', version: 1, schemaVersion: 1, state: {} };
    await app.snapshotStore().save({ ...snapshot, tenantId: tenantA });
    await app.snapshotStore().save({ ...snapshot, tenantId: tenantB });
  });

  afterAll(async () => {
    await app.close();
    await system.close();
    await dropSchema(schema);
    await withTestClient(async (client) => {
      await client.query(`drop owned by ${role}`);
      await client.query(`drop role ${role}`);
    });
  });

  /** As the application role, in one transaction, with `app.tenant_id` set to `tenant` unless null. */
  const asApp = <T>(tenant: string | null, work: (client: Client) => Promise<T>): Promise<T> =>
    withTestClient(async (client) => {
      await client.query('begin');
      if (tenant !== null) await client.query(`select set_config('app.tenant_id', $1, true)`, [tenant]);
      try {
        return await work(client);
      } finally {
        await client.query('rollback');
      }
    }, appUrl);

  const tenantsIn = async (client: Client, table: string): Promise<string[]> =>
    (
      await client.query<{ tenant_id: string }>(
        // no tenant condition on purpose: only the policy stands between the rows and the reader
        `select distinct tenant_id::text as tenant_id from "${schema}".${table} order by 1`,
      )
    ).rows.map((row) => row.tenant_id);

  it('shows a session of the application role without the setting nothing, and with A only A', async () => {
    for (const table of TENANT_TABLES) {
      expect(await asApp(null, (client) => tenantsIn(client, table))).toEqual([]);
      expect(await asApp(tenantA, (client) => tenantsIn(client, table))).toEqual([tenantA]);
      expect(await asApp(tenantB, (client) => tenantsIn(client, table))).toEqual([tenantB]);
    }
  });

  it("refuses to write a row of another tenant than the session's", async () => {
    await expect(
      asApp(tenantA, (client) =>
        client.query(
          `insert into "${schema}".streams (tenant_id, stream_name, version) values ($1, 'x', 1)`,
          [tenantB],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it("serves each tenant's calls through the adapter with that tenant's rows only", async () => {
    expect((await app.readStream(tenantA, stream)).map((e) => e.tenantId)).toEqual([tenantA, tenantA]);
    expect(
      (await app.readStream(tenantB, stream, { direction: 'backwards' })).map((e) => e.tenantId),
    ).toEqual([tenantB]);
    expect((await collect(() => app.readAll({ tenantId: tenantA }))).map((e) => e.tenantId)).toEqual([
      tenantA,
      tenantA,
    ]);
    expect(await collect(() => app.exportTenant(tenantB))).toHaveLength(1);
    expect(
      await app.snapshotStore().load({ tenantId: tenantA, streamName: stream, aggregateType: 'order' }),
    ).toMatchObject({ tenantId: tenantA, version: 1 });
  });

  it('keeps idempotent appends and version checks working under the policy', async () => {
    const events = newEvents(tenantA, 1);
    const first = await app.appendToStream(tenantA, stream, events, { expectedVersion: 'any' });

    expect(await app.appendToStream(tenantA, stream, events, { expectedVersion: 'any' })).toEqual(first);
    expect(await app.appendToStream(tenantA, stream, events, { expectedVersion: 2 })).toEqual(first);
    await expect(
      app.appendToStream(tenantA, stream, newEvents(tenantA, 1), { expectedVersion: 1 }),
    ).rejects.toThrow(/expected 1, actual 3/);
  });

  it('gives reads for no tenant nothing as the application role, and everything on the system path', async () => {
    const tenants = new Set<string>([tenantA, tenantB]);
    const ours = (events: { tenantId: string }[]) => events.filter((e) => tenants.has(e.tenantId));

    expect(await collect(() => app.readAll())).toEqual([]);
    expect(new Set(ours(await collect(() => system.readAll())).map((e) => e.tenantId))).toEqual(tenants);
  });

  it("purges a tenant through the policy, leaving the other tenant's rows", async () => {
    const kept = idsOf(await collect(() => system.readAll({ tenantId: tenantB })));

    expect(await app.purgeTenant(tenantA)).toEqual({ streams: 1, events: 3 });

    expect(await collect(() => system.readAll({ tenantId: tenantA }))).toEqual([]);
    expect(idsOf(await collect(() => system.readAll({ tenantId: tenantB })))).toEqual(kept);
    expect(await asApp(tenantB, (client) => tenantsIn(client, 'snapshots'))).toEqual([tenantB]);
    expect(await asApp(tenantA, (client) => tenantsIn(client, 'snapshots'))).toEqual([]);
  });
});
