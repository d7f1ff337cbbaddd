import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { Pool } from 'pg';
import { encodeCloudEventHeaders, headerText, Topics, type TenantIsolation } from '@platform/contracts';
import { createLogger } from '@platform/observability';
import {
  databaseUrlFor,
  deprovisionTenantStorage,
  ParkedEvents,
  storageOf,
  tenantStorageReady,
} from '@platform/read-models';
import { loadConfig } from '@platform/service-kit';
import {
  deleteTopicsWithPrefix,
  eventually,
  testInfra,
  uniqueSuffix,
  withTestClient,
} from '@platform/testing';
import { AppModule } from '../app.module';
import { configSchema } from '../config';

// The projection service owns its per-tenant storage (ADR 0031), in-process on the real Kafka and
// PostgreSQL: it provisions a tenant's read models when it sees `TenantCreated`, purges them (and
// the tenant's parked messages) when the registry asks, reports both on `tenants.storage`, and at
// start runs the read models' pending migrations for every tenant storage it finds.

const suffix = uniqueSuffix();
const prefix = `it-own-${suffix}.`;
const url = testInfra.databaseUrl;
const logger = createLogger('projection-ownership-it', process.env.LOG_LEVEL ?? 'warn');

interface Report {
  readonly value: Record<string, unknown>;
  readonly headers: Record<string, string>;
}

let kafka: Kafka;
let producer: Producer;
let collector: Consumer | undefined;
const reports: Report[] = [];
const apps = new Set<INestApplicationContext>();
const tenants = { schema: randomUUID(), dedicated: randomUUID(), shared: randomUUID(), other: randomUUID() };

async function startProjection(): Promise<INestApplicationContext> {
  const config = loadConfig(configSchema, {
    KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
    DATABASE_URL: url,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_PARTITIONS: '3',
    DATABASE_POOL_SIZE: '4',
  });
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot(config, `it-${randomUUID().slice(0, 8)}`, logger),
    { logger: false },
  );
  await app.init();
  apps.add(app);
  if (!collector) await collectReports();
  return app;
}

async function stopProjection(app: INestApplicationContext): Promise<void> {
  apps.delete(app);
  await app.close();
}

/** Every report on `tenants.storage` (the topic exists once the service has started). */
async function collectReports(): Promise<void> {
  const consumer = kafka.consumer({ groupId: `${prefix}collector`, maxWaitTimeInMs: 200 });
  collector = consumer;
  await consumer.connect();
  await consumer.subscribe({ topic: prefix + Topics.tenantsStorage, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {}))
        headers[name] = headerText(value) ?? '';
      reports.push({
        value: JSON.parse(message.value?.toString() ?? 'null') as Record<string, unknown>,
        headers,
      });
    },
  });
}

/** Publishes as the registry does: CloudEvents headers, the tenant as key and `ce_tenantid`. */
async function publish(tenantId: string, type: string, data: Record<string, unknown>): Promise<string> {
  const id = randomUUID();
  const topic =
    prefix +
    (type === 'tenants.TenantStoragePurgeRequested' ? Topics.tenantsStorage : Topics.tenantsLifecycle);
  await producer.send({
    topic,
    messages: [
      {
        key: tenantId,
        value: JSON.stringify(data),
        headers: encodeCloudEventHeaders({
          id,
          type,
          source: '/tenant-registry',
          time: new Date().toISOString(),
          subject: tenantId,
          tenantId,
          correlationId: `corr-${id}`,
          causationId: id,
          dataSchemaVersion: 1,
          sequence: 1,
        }),
      },
    ],
  });
  return id;
}

const created = (tenantId: string, isolation: TenantIsolation) =>
  publish(tenantId, 'tenants.TenantCreated', {
    tenantId,
    slug: `it-${tenantId.slice(0, 8)}`,
    name: 'It Co',
    status: 'draft',
    plan: 'standard',
    isolation,
    region: 'eu-west-1',
    version: 1,
  });

const reportsOf = (tenantId: string, type: string) =>
  reports.filter((r) => r.headers.ce_tenantid === tenantId && r.headers.ce_type === type);

/** Tables of a tenant's storage (schema mode: its schema; dedicated: its database's public schema). */
async function tablesOf(tenantId: string, isolation: 'schema' | 'dedicated'): Promise<string[]> {
  const storage = storageOf(tenantId, isolation);
  const pool = new Pool({ connectionString: databaseUrlFor(url, storage.database), max: 1 });
  try {
    const { rows } = await pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`,
      [storage.schema],
    );
    return rows.map((row) => row.table_name);
  } finally {
    await pool.end();
  }
}

/** "A migration added after the tenant was provisioned": its tables and its row are not there. */
async function undoLaterMigrations(tenantId: string, isolation: 'schema' | 'dedicated'): Promise<void> {
  const storage = storageOf(tenantId, isolation);
  const pool = new Pool({ connectionString: databaseUrlFor(url, storage.database), max: 1 });
  try {
    const s = `"${storage.schema}"`;
    // what the two later migrations' `down` does
    await pool.query(`DROP TABLE ${s}.products, ${s}.order_totals_hourly, ${s}.order_sku_totals_hourly`);
    await pool.query(`DROP INDEX ${s}.orders_created_idx`);
    await pool.query(`DELETE FROM ${s}.read_model_migrations WHERE name <> 'CreateOrderViews1763800000000'`);
  } finally {
    await pool.end();
  }
}

beforeAll(async () => {
  kafka = new Kafka({
    clientId: `own-it-${suffix}`,
    brokers: testInfra.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
});

afterAll(async () => {
  for (const app of [...apps]) await stopProjection(app);
  await collector?.disconnect();
  await producer.disconnect();
  await deleteTopicsWithPrefix(prefix);
  for (const [mode, tenantId] of Object.entries(tenants)) {
    const isolation = (mode === 'other' ? 'schema' : mode) as TenantIsolation;
    await deprovisionTenantStorage(url, tenantId, isolation).catch(() => undefined);
  }
});

describe('the projection service owns its tenant storage', () => {
  let app: INestApplicationContext;
  beforeAll(async () => {
    app = await startProjection();
  }, 180_000);

  it.each<'schema' | 'dedicated' | 'shared'>(['schema', 'dedicated', 'shared'])(
    'provisions a %s tenant on TenantCreated and reports it, once per redelivery',
    async (isolation) => {
      const tenantId = tenants[isolation];
      const id = await created(tenantId, isolation);
      await eventually(
        () => expect(reportsOf(tenantId, 'tenants.TenantStorageProvisioned')).toHaveLength(1),
        {
          timeoutMs: 30_000,
        },
      );
      const [report] = reportsOf(tenantId, 'tenants.TenantStorageProvisioned');
      expect(report).toEqual({
        value: {
          tenantId,
          owner: 'projection-service',
          description: expect.stringContaining('read models in'),
        },
        headers: expect.objectContaining({
          ce_specversion: '1.0',
          ce_subject: tenantId,
          ce_source: '/projection-service',
          ce_correlationid: `corr-${id}`,
          ce_causationid: id,
        }),
      });
      expect(await tenantStorageReady(url, tenantId, isolation)).toBe(true);
      if (isolation !== 'shared') {
        expect(await tablesOf(tenantId, isolation)).toEqual(
          expect.arrayContaining(['orders', 'products', 'order_totals_hourly', 'order_sku_totals_hourly']),
        );
      }
    },
    60_000,
  );

  it('purges a tenant when the registry asks (read models and parked messages) and reports it; another tenant keeps its own', async () => {
    await created(tenants.other, 'schema');
    await eventually(
      () => expect(reportsOf(tenants.other, 'tenants.TenantStorageProvisioned')).toHaveLength(1),
      {
        timeoutMs: 30_000,
      },
    );
    const pool = new Pool({ connectionString: url, max: 1 });
    const parked = new ParkedEvents(pool);
    try {
      for (const tenantId of [tenants.schema, tenants.other]) {
        await parked.parkFailed(
          {
            tenantId,
            aggregateId: randomUUID(),
            eventId: randomUUID(),
            type: 'orders.OrderCreated',
            topic: `${prefix}orders.events`,
            partition: 0,
            offset: '1',
            attributes: {},
            value: {},
          },
          'simulated',
          3,
        );
      }
      const parkedOf = async (tenantId: string) => (await parked.list({ tenantId, limit: 10 })).length;
      expect(await parkedOf(tenants.schema)).toBe(1);

      await publish(tenants.schema, 'tenants.TenantStoragePurgeRequested', {
        tenantId: tenants.schema,
        isolation: 'schema',
      });

      await eventually(
        () => expect(reportsOf(tenants.schema, 'tenants.TenantStoragePurged')).toHaveLength(1),
        {
          timeoutMs: 30_000,
        },
      );
      expect(reportsOf(tenants.schema, 'tenants.TenantStoragePurged')[0]?.value).toEqual({
        tenantId: tenants.schema,
        owner: 'projection-service',
        objects: 2,
        description: `read models: schema ${storageOf(tenants.schema, 'schema').schema}; 1 parked messages`,
      });
      expect(await tenantStorageReady(url, tenants.schema, 'schema')).toBe(false);
      expect(await parkedOf(tenants.schema)).toBe(0);
      // the other tenant: untouched
      expect(await tenantStorageReady(url, tenants.other, 'schema')).toBe(true);
      expect(await parkedOf(tenants.other)).toBe(1);
      await parked.purgeTenant(tenants.other);
    } finally {
      await pool.end();
    }
  }, 60_000);

  it('runs pending migrations for every tenant storage at start (a migration added after provisioning)', async () => {
    await undoLaterMigrations(tenants.dedicated, 'dedicated');
    await undoLaterMigrations(tenants.other, 'schema');
    expect(await tablesOf(tenants.other, 'schema')).not.toContain('products');
    expect(await tablesOf(tenants.dedicated, 'dedicated')).not.toContain('order_totals_hourly');

    await stopProjection(app);
    app = await startProjection();

    for (const [tenantId, isolation] of [
      [tenants.other, 'schema'],
      [tenants.dedicated, 'dedicated'],
    ] as const) {
      expect(await tablesOf(tenantId, isolation)).toEqual(
        expect.arrayContaining(['orders', 'products', 'order_totals_hourly', 'order_sku_totals_hourly']),
      );
    }
    const migrations = await withTestClient(async (client) => {
      const { rows } = await client.query<{ name: string }>(
        `SELECT name FROM "${storageOf(tenants.other, 'schema').schema}".read_model_migrations ORDER BY id`,
      );
      return rows.map((row) => row.name);
    });
    expect(migrations).toEqual([
      'CreateOrderViews1763800000000',
      'CreateProductViews1764900000000',
      'CreateOrderSummaries1765000000000',
    ]);
  }, 180_000);
});
