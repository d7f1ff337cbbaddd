import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createSigner } from 'fast-jwt';
import { Pool } from 'pg';
import pino from 'pino';
import { AuditLog } from '@platform/audit';
import { orderStreamName, Topics, type OrderEvent, type TenantIsolation } from '@platform/contracts';
import { PostgresEventStore } from '@platform/event-store';
import { KafkaMessaging } from '@platform/messaging';
import {
  createReadModelDataSource,
  deprovisionTenantStorage,
  EventStoreRebuildSource,
  OrderViewStore,
  ParkedEvents,
  ProjectionRebuilder,
  ProjectionVersions,
  provisionTenantStorage,
  SeenPositions,
  TenantDataSources,
  type ReadModels,
} from '@platform/read-models';
import { ProblemFilter } from '@platform/service-kit';
import {
  ApiKeyDirectory,
  createTokenVerifier,
  TenantDirectory,
  TenantGuard,
  TOKEN_VERIFIER,
} from '@platform/tenancy';
import {
  deleteTopicsWithPrefix,
  dropTestSchema,
  eventually,
  testInfra,
  uniqueSuffix,
} from '@platform/testing';
import { OrderApplier } from '../orders/order-applier';
import { OrderProjectionController } from '../orders/order-projection.message-controller';
import { RebuildJobs, type RebuildJob } from './rebuild-jobs';
import { RebuildsHttpController } from './rebuilds.http.controller';

// A rebuild through the operator route while the live consumer applies a steady flow of events from
// a real Kafka topic into the same tenant's read model (real PostgreSQL): the result is the fold of
// everything in the store, and the other tenant is untouched.

const url = testInfra.databaseUrl;
const SECRET = 'rebuilds-int-spec-secret-0123456789abcdef';
const sign = createSigner({ key: SECRET, algorithm: 'HS256', expiresIn: 600_000 });
const logger = pino({ level: 'silent' });

describe('projection rebuild through the operator route, with live writes over Kafka', () => {
  const suffix = uniqueSuffix();
  const prefix = `it-rebuild-${suffix}.`;
  const schemas = {
    events: `it_rb_es_${suffix}`,
    parked: `it_rb_parked_${suffix}`,
    audit: `it_rb_audit_${suffix}`,
  };
  const [t1, t2] = [randomUUID(), randomUUID()];
  const isolation: Record<string, TenantIsolation> = { [t1]: 'schema', [t2]: 'schema' };
  const sources = new TenantDataSources(createReadModelDataSource(url, 4), url);
  const positions = new SeenPositions(sources.main);
  const orders = new OrderViewStore(sources, (tenantId) => isolation[tenantId], positions);
  const pool = new Pool({ connectionString: url, max: 4 });
  const store = new PostgresEventStore(pool, {
    schema: schemas.events,
    readBatchSize: 200,
    wakeOnAppend: false,
  });
  const directory = new TenantDirectory();
  const admin = sign({ sub: 'ops-alice', roles: ['platform-admin'], tenants: [] });
  const tenantAdmin = sign({ sub: 'mallory', roles: ['tenant-admin'], tenants: [t1] });
  let messaging: KafkaMessaging;
  let app: NestFastifyApplication;
  let base: string;
  let jobs: RebuildJobs;

  beforeAll(async () => {
    await sources.main.initialize();
    await positions.migrate();
    await store.migrate();
    const parked = new ParkedEvents(pool, schemas.parked);
    const audit = new AuditLog(pool, { schema: schemas.audit });
    await Promise.all([
      ...[t1, t2].map((t) => provisionTenantStorage(url, t, 'schema')),
      parked.migrate(),
      audit.migrate(),
    ]);
    [t1, t2].forEach((tenantId, i) =>
      directory.apply({
        tenantId,
        slug: `rb-${suffix}-${i}`,
        name: 'Rebuild Co',
        status: 'active',
        plan: 'standard',
        isolation: 'schema',
        region: 'eu-west-1',
        version: 1,
      }),
    );
    messaging = await KafkaMessaging.connect(
      {
        brokers: testInfra.kafkaBrokers,
        clientId: `it-rebuild-${suffix}`,
        topicPrefix: prefix,
        service: 'it',
      },
      logger,
    );
    const applier = new OrderApplier({ orders } satisfies Pick<ReadModels, 'orders'>);
    await new OrderProjectionController(messaging, applier, parked, {
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_PARTITIONS: 3,
    }).onModuleInit();
    const versions = new ProjectionVersions(sources.main);
    await versions.migrate();
    const rebuilder = new ProjectionRebuilder(
      sources,
      url,
      new EventStoreRebuildSource(store, pool, schemas.events),
      versions,
      200,
    );
    jobs = new RebuildJobs(rebuilder, versions, directory, audit, logger);

    @Module({
      controllers: [RebuildsHttpController],
      providers: [
        { provide: RebuildJobs, useValue: jobs },
        { provide: TenantDirectory, useValue: directory },
        ApiKeyDirectory,
        { provide: TOKEN_VERIFIER, useValue: createTokenVerifier({ secret: SECRET }) },
        { provide: APP_GUARD, useClass: TenantGuard },
      ],
    })
    class AdminModule {}
    app = await NestFactory.create<NestFastifyApplication>(AdminModule, new FastifyAdapter(), {
      logger: false,
    });
    app.useGlobalFilters(new ProblemFilter());
    app.getHttpAdapter().getInstance().decorateRequest('identity', undefined);
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  }, 90_000);

  afterAll(async () => {
    await jobs?.onApplicationShutdown();
    await app?.close();
    await messaging?.close();
    await deleteTopicsWithPrefix(prefix);
    await sources.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schemas.events}" CASCADE`);
    await pool.end();
    for (const t of [t1, t2]) await deprovisionTenantStorage(url, t, 'schema');
    await dropTestSchema(schemas.parked);
    await dropTestSchema(schemas.audit);
  }, 60_000);

  /** Appends an order's events to the store and publishes them as the relay does. */
  async function write(tenantId: string, n: number): Promise<string> {
    const orderId = randomUUID();
    const events: OrderEvent[] = [
      { type: 'OrderCreated', data: { orderId, customerId: `c-${n % 3}` } },
      {
        type: 'OrderItemAdded',
        data: {
          orderId,
          sku: `SKU-${n % 5}`,
          quantity: 1 + (n % 3),
          unitPrice: { amount: '3.25', currency: 'EUR' },
        },
      },
    ];
    const stored = events.map((event) => ({
      eventId: randomUUID(),
      type: event.type,
      data: event.data,
      schemaVersion: 1,
      metadata: {
        tenantId,
        correlationId: randomUUID(),
        causationId: randomUUID(),
        actor: 'test',
        occurredAt: new Date(Date.UTC(2026, 11, 3, 9, 0, n % 60)).toISOString(),
      },
    }));
    const { lastPosition } = await store.appendToStream(tenantId, orderStreamName(orderId), stored, {
      expectedVersion: 'no-stream',
    });
    await messaging.publish(
      stored.map((e, i) => ({
        topic: messaging.topic(Topics.ordersEvents),
        key: orderId,
        value: e.data,
        attributes: {
          id: e.eventId,
          type: `orders.${e.type}`,
          source: '/command-service',
          time: e.metadata.occurredAt,
          subject: orderId,
          tenantId,
          correlationId: e.metadata.correlationId,
          causationId: e.metadata.causationId,
          dataSchemaVersion: 1,
          sequence: i + 1,
          position: lastPosition - (stored.length - 1 - i),
        },
      })),
    );
    return orderId;
  }

  async function rows(tenantId: string): Promise<string[]> {
    const schema = `tenant_${tenantId.replace(/-/g, '')}`;
    const found: { r: string }[] = await sources.main.query(
      `SELECT t::text AS r FROM "${schema}".orders t ORDER BY t::text`,
    );
    return found.map((row) => row.r);
  }

  async function http(method: 'GET' | 'POST', path: string, token = admin, body?: unknown) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('refuses a tenant role and an unknown projection', async () => {
    expect((await http('POST', '/v1/admin/projections/orders/rebuilds', tenantAdmin, {})).status).toBe(403);
    expect((await http('POST', '/v1/admin/projections/nope/rebuilds', admin, {})).status).toBe(404);
  });

  it('rebuilds one tenant while its live writes flow over Kafka; the result is the store, the other tenant untouched', async () => {
    for (let n = 0; n < 150; n++) await write(t1, n);
    for (let n = 0; n < 20; n++) await write(t2, n);
    await eventually(async () => expect(await rows(t1)).toHaveLength(150), {
      what: 'live model of t1',
      timeoutMs: 60_000,
    });
    await eventually(async () => expect(await rows(t2)).toHaveLength(20), {
      what: 'live model of t2',
      timeoutMs: 60_000,
    });
    const before = await rows(t2);

    let stop = false;
    let writes = 0;
    const writer = (async () => {
      while (!stop) await write(t1, 1_000 + writes++);
    })();
    const started = await http('POST', '/v1/admin/projections/orders/rebuilds', admin, { tenant: t1 });
    expect(started.status).toBe(202);
    expect((await http('POST', '/v1/admin/projections/orders/rebuilds', admin, {})).status).toBe(409);
    const done = await eventually(
      async () => {
        const job = (await http('GET', `/v1/admin/rebuilds/${String(started.body['id'])}`))
          .body as unknown as RebuildJob;
        expect(job.state).not.toBe('running');
        return job;
      },
      { what: 'rebuild ended', timeoutMs: 60_000 },
    );
    stop = true;
    await writer;
    expect(done).toMatchObject({ state: 'succeeded', tenantId: t1, tenants: { done: 1, total: 1 } });
    expect(done.progress.done).toBeGreaterThanOrEqual(300);
    expect(writes).toBeGreaterThan(0);

    // once the consumer has the last writes, the model is exactly one row per order in the store
    await eventually(async () => expect(await rows(t1)).toHaveLength(150 + writes), {
      what: 'writes during the rebuild applied',
      timeoutMs: 60_000,
    });
    const { rows: counted } = await pool.query<{ n: string }>(
      `SELECT count(DISTINCT stream_name) AS n FROM "${schemas.events}".events WHERE tenant_id = $1`,
      [t1],
    );
    expect(Number(counted[0]?.n)).toBe(150 + writes);
    expect(await rows(t2)).toEqual(before);
  }, 180_000);
});
