// The tenant archive on a large tenant (ADR 0034): seeds ARCHIVE_EVENTS (default 1,000,000) events
// of one tenant straight into a throwaway event store (SQL, so the seeding costs this process
// nothing), exports it to a file, then imports it into a new tenant (verify, write, read models),
// and prints time, size and this process's peak RSS after each phase. Everything it creates is
// dropped at the end. Run it alone on the box:
//
//   node scripts/build.mjs && node bench/build.mjs && node dist/bench/src/tools/tenant-archive.js
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'pg';
import type { TenantIsolation } from '@platform/contracts';
import { deprovisionTenantStorage, provisionTenantStorage } from '@platform/read-models';
import { RegistryDatabase } from '../../../apps/tenant-registry/src/registry/registry-database';
import { exportTenant } from '../../../apps/tenant-registry/src/tenant-export/export-tenant';
import { importTenant } from '../../../apps/tenant-registry/src/tenant-export/import-tenant';
import { ReadModelsRebuild } from '../../../apps/tenant-registry/src/tenant-export/read-models-rebuild';
import { TenantCommands } from '../../../apps/tenant-registry/src/tenants/tenant-commands';

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://platform:platform@127.0.0.1:5432/platform';
const total = Number(process.env.ARCHIVE_EVENTS ?? 1_000_000);
const perStream = 50;

const mib = (bytes: number): string => `${(bytes / 1_048_576).toFixed(1)} MiB`;
const peakRss = (): string => mib(process.resourceUsage().maxRSS * 1024);
const caller = {
  actor: 'bench',
  requestId: randomUUID(),
  correlationId: randomUUID(),
  causationId: randomUUID(),
};

async function main(): Promise<void> {
  const suffix = randomUUID().replace(/-/g, '').slice(0, 10);
  const schemas = {
    registry: `registry_ab_${suffix}`,
    eventStore: `es_ab_${suffix}`,
    audit: `audit_ab_${suffix}`,
    webhooks: `webhooks_ab_${suffix}`,
    quotas: `quotas_ab_${suffix}`,
    idempotency: `idempotency_ab_${suffix}`,
  };
  const pool = new Pool({ connectionString: databaseUrl, max: 4 });
  const db = new RegistryDatabase(pool, schemas);
  // the tenants' read-model storage, as its owner (the projection service) provisions it
  const storage = {
    provision: (tenantId: string, isolation: TenantIsolation) =>
      provisionTenantStorage(databaseUrl, tenantId, isolation),
    deprovision: (tenantId: string, isolation: TenantIsolation) =>
      deprovisionTenantStorage(databaseUrl, tenantId, isolation),
  };
  const rebuild = new ReadModelsRebuild(databaseUrl);
  const directory = await mkdtemp(path.join(tmpdir(), 'tenant-archive-bench-'));
  const tenants: string[] = [];
  try {
    await db.migrate();
    const commands = new TenantCommands(db);
    const source = randomUUID();
    const created = await commands.execute(
      {
        type: 'CreateTenant',
        data: {
          tenantId: source,
          slug: `bench-${suffix}`,
          name: 'Bench',
          plan: 'enterprise',
          isolation: 'schema',
          region: 'eu-west-1',
        },
      },
      caller,
    );
    if (!created.ok) throw new Error(JSON.stringify(created.refusal));
    tenants.push(source);

    let started = Date.now();
    await seed(pool, schemas.eventStore, source);
    console.log(`seeded ${total} events in ${((Date.now() - started) / 1000).toFixed(1)} s (SQL)`);
    console.log(`peak RSS before the export: ${peakRss()}`);

    const tenant = await db.tenants.find(source);
    if (!tenant) throw new Error('no tenant');
    const file = path.join(directory, 'archive.ndjson.gz');
    started = Date.now();
    await pipeline(await exportTenant(db, tenant, caller, new Date()), createWriteStream(file));
    const exportSeconds = (Date.now() - started) / 1000;
    const size = (await stat(file)).size;
    console.log(
      `export: ${total} events in ${exportSeconds.toFixed(1)} s (${Math.round(total / exportSeconds)} events/s), ` +
        `${mib(size)} gzip; peak RSS ${peakRss()}`,
    );

    started = Date.now();
    const result = await importTenant(
      {
        db,
        commands,
        readModels: rebuild,
        newId: randomUUID,
        now: () => new Date(),
        untilActive: async (tenantId) => {
          tenants.push(tenantId);
          console.log(`import: verified and written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
          await storage.provision(tenantId, 'schema');
          const found = await db.tenants.find(tenantId);
          if (!found) throw new Error('not created');
          return found;
        },
      },
      { file, slug: `bench-imported-${suffix}` },
      caller,
      (archived) => archived.region,
    );
    if (!result.ok) throw new Error(JSON.stringify(result.refusal));
    const importSeconds = (Date.now() - started) / 1000;
    console.log(
      `import: ${result.imported.events} events, ${result.imported.readModelEvents} applied to read models, ` +
        `in ${importSeconds.toFixed(1)} s in all; peak RSS ${peakRss()}`,
    );
  } finally {
    for (const tenantId of tenants) await storage.deprovision(tenantId, 'schema').catch(() => undefined);
    await rebuild.close();
    for (const schema of Object.values(schemas))
      await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
    await rm(directory, { recursive: true, force: true });
  }
}

/** Streams of 50 events (an OrderCreated, then OrderItemAdded), inserted by PostgreSQL itself. */
async function seed(pool: Pool, schema: string, tenantId: string): Promise<void> {
  const step = 200_000;
  for (let from = 0; from < total; from += step) {
    const to = Math.min(total, from + step) - 1;
    await pool.query(
      `insert into "${schema}".events (tenant_id, stream_name, stream_version, event_id, event_type, data, metadata, schema_version)
       select $1::uuid, 'order-' || o.id, p.v, gen_random_uuid(),
              case when p.v = 1 then 'OrderCreated' else 'OrderItemAdded' end,
              case when p.v = 1 then jsonb_build_object('orderId', o.id, 'customerId', 'bench')
                   else jsonb_build_object('orderId', o.id, 'sku', 'SKU-' || p.v, 'quantity', 1,
                          'unitPrice', jsonb_build_object('amount', '1.00', 'currency', 'EUR')) end,
              jsonb_build_object('tenantId', $1::text, 'correlationId', o.id, 'causationId', o.id,
                                 'actor', 'bench', 'occurredAt', to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
              1
         from generate_series($2::int, $3::int) n
         cross join lateral (select (n / ${perStream}) as s, (n % ${perStream}) + 1 as v) p
         cross join lateral (select overlay(overlay(md5($1::text || '/' || p.s::text) placing '4' from 13) placing '8' from 17)::uuid::text as id) o`,
      [tenantId, from, to],
    );
  }
  await pool.query(
    `insert into "${schema}".streams (tenant_id, stream_name, version)
     select tenant_id, stream_name, max(stream_version) from "${schema}".events where tenant_id = $1
     group by tenant_id, stream_name`,
    [tenantId],
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
