import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { encodeCloudEventHeaders, headerText, Topics } from '@platform/contracts';
import { createLogger, metricsRegistry } from '@platform/observability';
import { loadConfig } from '@platform/service-kit';
import {
  deleteTopicsWithPrefix,
  dropTestSchema,
  eventually,
  installTestTracing,
  testInfra,
  uniqueSuffix,
  withTestClient,
} from '@platform/testing';
import { AppModule } from './app.module';
import { configSchema } from './config';
import { commandIdOf } from './fulfilment/command-id';
import type { FulfilmentModuleOptions } from './fulfilment/fulfilment.options';

// The saga service in-process on the real Kafka and PostgreSQL: events in on the events topics (as
// the event relay publishes them), commands out on the commands topics (as the command service reads
// them), state, outbox and timers in a throwaway schema.

const suffix = uniqueSuffix();
const prefix = `it-saga-${suffix}.`;
const schema = `saga_it_${suffix}`;
const logger = createLogger('saga-service-it', process.env.LOG_LEVEL ?? 'warn');

interface Sent {
  readonly topic: string;
  readonly key: string;
  readonly value: Record<string, unknown>;
  readonly headers: Record<string, string>;
}

let kafka: Kafka;
let producer: Producer;
let collector: Consumer | undefined;
const sent: Sent[] = [];
const apps = new Set<INestApplicationContext>();

async function startSaga(
  env: Record<string, string> = {},
  overrides: Partial<Pick<FulfilmentModuleOptions, 'relay' | 'timerMaxSleepMs'>> = {},
): Promise<INestApplicationContext> {
  const config = loadConfig(configSchema, {
    KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
    DATABASE_URL: testInfra.databaseUrl,
    KAFKA_TOPIC_PREFIX: prefix,
    SAGA_SCHEMA: schema,
    KAFKA_PARTITIONS: '3',
    DATABASE_POOL_SIZE: '4',
    ...env,
  });
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot(config, `it-${randomUUID().slice(0, 8)}`, logger, {
      timerMaxSleepMs: 200,
      ...overrides,
    }),
    { logger: false },
  );
  await app.init();
  apps.add(app);
  if (!collector) await startCollector();
  return app;
}

async function stopSaga(app: INestApplicationContext): Promise<void> {
  apps.delete(app);
  await app.close();
}

/** Reads every command the saga sends (the commands topics exist once a saga app has started). */
async function startCollector(): Promise<void> {
  const consumer = kafka.consumer({ groupId: `${prefix}collector`, maxWaitTimeInMs: 200 });
  collector = consumer;
  await consumer.connect();
  await consumer.subscribe({
    topics: [
      Topics.ordersCommands,
      Topics.inventoryCommands,
      Topics.paymentsCommands,
      // its storage reports to the registry (ADR 0031)
      Topics.tenantsStorage,
    ].map((t) => prefix + t),
    fromBeginning: true,
  });
  const joined = new Promise<void>((resolve) => {
    const off = consumer.on(consumer.events.GROUP_JOIN, () => {
      off();
      resolve();
    });
  });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {}))
        headers[name] = headerText(value) ?? '';
      sent.push({
        topic: topic.slice(prefix.length),
        key: message.key?.toString() ?? '',
        value: JSON.parse(message.value?.toString() ?? 'null') as Record<string, unknown>,
        headers,
      });
    },
  });
  await joined;
}

interface EventToSend {
  readonly tenantId: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly id?: string;
  readonly correlationId?: string;
  readonly traceparent?: string;
}

/** Publishes an event as the event relay does: CloudEvents headers, key = aggregate id. */
async function publishEvent(event: EventToSend): Promise<string> {
  const id = event.id ?? randomUUID();
  const [context] = event.type.split('.');
  const topic = `${prefix}${
    event.type === 'tenants.TenantStoragePurgeRequested'
      ? Topics.tenantsStorage
      : context === 'tenants'
        ? Topics.tenantsLifecycle
        : `${context}.events`
  }`;
  const { sku, orderId } = event.data as { sku?: string; orderId?: string };
  const key = sku ?? orderId ?? event.tenantId;
  await producer.send({
    topic,
    messages: [
      {
        key,
        value: JSON.stringify(event.data),
        headers: {
          ...encodeCloudEventHeaders({
            id,
            type: event.type,
            source: '/command-service',
            time: new Date().toISOString(),
            subject: key,
            tenantId: event.tenantId,
            correlationId: event.correlationId ?? `corr-${id}`,
            causationId: `cmd-${id}`,
            dataSchemaVersion: 1,
            sequence: 1,
          }),
          ...(event.traceparent !== undefined && { traceparent: event.traceparent }),
        },
      },
    ],
  });
  return id;
}

const confirmed = (orderId: string, paymentToken = 'tok_visa') => ({
  type: 'orders.OrderConfirmed',
  data: {
    orderId,
    customerId: 'cust-1',
    skus: [
      { sku: 'SKU-A', quantity: 2 },
      { sku: 'SKU-B', quantity: 1 },
    ],
    total: { amount: '30.00', currency: 'EUR' },
    paymentToken,
  },
});

const commandsOf = (tenantId: string, orderId: string): Sent[] =>
  sent.filter((m) => m.headers.ce_tenantid === tenantId && m.value.orderId === orderId);
const typesOf = (messages: readonly Sent[]): string[] => messages.map((m) => m.headers.ce_type ?? '').sort();

async function sagaRow(
  tenantId: string,
  orderId: string,
): Promise<{ status: string; reason?: string } | undefined> {
  return withTestClient(async (client) => {
    const { rows } = await client.query<{ state: { status: string; reason?: string } }>(
      `select state from ${schema}.fulfilments where tenant_id = $1 and order_id = $2`,
      [tenantId, orderId],
    );
    return rows[0]?.state;
  });
}

async function countRows(table: string, tenantId: string, orderId?: string): Promise<number> {
  return withTestClient(async (client) => {
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from ${schema}.${table} where tenant_id = $1 ${orderId ? 'and order_id = $2' : ''}`,
      orderId ? [tenantId, orderId] : [tenantId],
    );
    return Number(rows[0]?.n ?? 0);
  });
}

async function metricValue(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = (await metricsRegistry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as { value: number; labels: Record<string, string | number> }[];
  return values
    .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
    .reduce((sum, v) => sum + v.value, 0);
}

beforeAll(async () => {
  installTestTracing();
  kafka = new Kafka({
    clientId: `saga-it-${suffix}`,
    brokers: testInfra.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
});

afterAll(async () => {
  for (const app of [...apps]) await stopSaga(app);
  await collector?.disconnect();
  await producer.disconnect();
  await deleteTopicsWithPrefix(prefix);
  await dropTestSchema(schema);
});

describe('the fulfilment saga (step timeout 60 s)', () => {
  let app: INestApplicationContext;
  beforeAll(async () => {
    app = await startSaga({ SAGA_STEP_TIMEOUT_MS: '60000' });
  });
  afterAll(() => stopSaga(app));

  const tenantA = randomUUID();
  const tenantB = randomUUID();
  const orderId = randomUUID();

  it('reserves, charges and ships, each command on its topic with its key, headers and deterministic ce_id', async () => {
    const traceId = randomUUID().replaceAll('-', '');
    const traceparent = `00-${traceId}-${'1'.repeat(16)}-01`;
    const confirmedId = await publishEvent({
      tenantId: tenantA,
      ...confirmed(orderId),
      correlationId: 'corr-order-1',
      traceparent,
    });
    const reserves = await eventually(() => {
      const found = commandsOf(tenantA, orderId);
      expect(found).toHaveLength(2);
      return found;
    });
    expect(reserves.map((m) => [m.topic, m.key, m.headers.ce_type]).sort()).toEqual([
      ['inventory.commands', 'SKU-A', 'inventory.ReserveStock'],
      ['inventory.commands', 'SKU-B', 'inventory.ReserveStock'],
    ]);
    const bySku = new Map(reserves.map((m) => [m.key, m]));
    expect(bySku.get('SKU-A')!.headers.ce_id).toBe(commandIdOf(tenantA, confirmedId, 0));
    expect(bySku.get('SKU-B')!.headers.ce_id).toBe(commandIdOf(tenantA, confirmedId, 1));
    for (const message of reserves) {
      expect(message.headers).toMatchObject({
        ce_specversion: '1.0',
        ce_tenantid: tenantA,
        ce_correlationid: 'corr-order-1',
        ce_causationid: confirmedId,
        ce_subject: message.key,
        ce_source: '/saga-service',
      });
      // the step joins the request's trace
      expect(message.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`));
      expect(message.headers.ce_replyto).toBeUndefined();
    }
    expect(bySku.get('SKU-A')!.value).toEqual({ sku: 'SKU-A', orderId, quantity: 2 });

    // the same event again (same ce_id): changes nothing, issues nothing
    const duplicates = await metricValue('saga_inputs_total', { outcome: 'duplicate' });
    await publishEvent({ tenantId: tenantA, ...confirmed(orderId), id: confirmedId });
    await eventually(async () =>
      expect(await metricValue('saga_inputs_total', { outcome: 'duplicate' })).toBe(duplicates + 1),
    );
    expect(await countRows('outbox', tenantA, orderId)).toBe(2);

    await publishEvent({
      tenantId: tenantA,
      type: 'inventory.StockReserved',
      data: { sku: 'SKU-A', orderId, quantity: 2 },
    });
    await publishEvent({
      tenantId: tenantA,
      type: 'inventory.StockReserved',
      data: { sku: 'SKU-B', orderId, quantity: 1 },
    });
    await eventually(() => expect(commandsOf(tenantA, orderId)).toHaveLength(4));
    const charge = commandsOf(tenantA, orderId).find((m) => m.headers.ce_type === 'payments.ChargePayment');
    expect(charge).toMatchObject({
      topic: 'payments.commands',
      key: orderId,
      value: { orderId, amount: { amount: '30.00', currency: 'EUR' }, paymentToken: 'tok_visa' },
    });
    expect(
      commandsOf(tenantA, orderId).find((m) => m.headers.ce_type === 'orders.RecordOrderReservation'),
    ).toMatchObject({
      topic: 'orders.commands',
      key: orderId,
      headers: { ce_correlationid: 'corr-order-1' },
    });

    await publishEvent({
      tenantId: tenantA,
      type: 'payments.PaymentCharged',
      data: { orderId, amount: { amount: '30.00', currency: 'EUR' }, reference: 'ch_1' },
    });
    await eventually(() => expect(commandsOf(tenantA, orderId)).toHaveLength(6));
    await publishEvent({ tenantId: tenantA, type: 'orders.OrderShipped', data: { orderId } });
    await eventually(() => expect(commandsOf(tenantA, orderId)).toHaveLength(8));
    expect(typesOf(commandsOf(tenantA, orderId))).toEqual([
      'inventory.CommitStock',
      'inventory.CommitStock',
      'inventory.ReserveStock',
      'inventory.ReserveStock',
      'orders.RecordOrderPayment',
      'orders.RecordOrderReservation',
      'orders.ShipOrder',
      'payments.ChargePayment',
    ]);
    expect(await sagaRow(tenantA, orderId)).toEqual({ status: 'shipped', orderId });
    expect(await countRows('timers', tenantA, orderId)).toBe(0);
  });

  it('never lets another tenant with the same order id see or advance the saga', async () => {
    const ignored = await metricValue('saga_inputs_total', { outcome: 'ignored' });
    // tenant B answers for "its" order: it has no saga, nothing happens to tenant A's
    await publishEvent({
      tenantId: tenantB,
      type: 'payments.PaymentDeclined',
      data: { orderId, reason: 'declined' },
    });
    await eventually(async () =>
      expect(await metricValue('saga_inputs_total', { outcome: 'ignored' })).toBe(ignored + 1),
    );
    expect(await sagaRow(tenantB, orderId)).toBeUndefined();

    // tenant B's own order with the same id: a saga of its own, commands under its own tenant
    const confirmedId = await publishEvent({ tenantId: tenantB, ...confirmed(orderId, 'tok_decline') });
    await eventually(() => expect(commandsOf(tenantB, orderId)).toHaveLength(2));
    expect(
      commandsOf(tenantB, orderId)
        .map((m) => m.headers.ce_id)
        .sort(),
    ).toEqual([commandIdOf(tenantB, confirmedId, 0), commandIdOf(tenantB, confirmedId, 1)].sort());
    await publishEvent({
      tenantId: tenantB,
      type: 'inventory.StockReservationRejected',
      data: { sku: 'SKU-A', orderId, quantity: 2, available: 0 },
    });
    await eventually(async () =>
      expect(await sagaRow(tenantB, orderId)).toMatchObject({ status: 'cancelled' }),
    );
    expect(await sagaRow(tenantA, orderId)).toEqual({ status: 'shipped', orderId });
    expect(commandsOf(tenantA, orderId)).toHaveLength(8);
  });

  it('reports the storage of a new tenant provisioned: its tables serve every tenant (ADR 0031)', async () => {
    const tenantId = randomUUID();
    const snapshot = {
      tenantId,
      slug: `it-${tenantId.slice(0, 8)}`,
      name: 'It Co',
      status: 'draft',
      plan: 'free',
      isolation: 'schema',
      region: 'eu-west-1',
      version: 1,
    };
    const created = await publishEvent({ tenantId, type: 'tenants.TenantCreated', data: snapshot });
    const reports = () => sent.filter((m) => m.headers.ce_tenantid === tenantId);
    await eventually(() =>
      expect(reports()).toEqual([
        expect.objectContaining({
          topic: Topics.tenantsStorage,
          key: tenantId,
          value: { tenantId, owner: 'saga-service', description: `rows keyed by tenant in schema ${schema}` },
          headers: expect.objectContaining({
            ce_type: 'tenants.TenantStorageProvisioned',
            ce_specversion: '1.0',
            ce_subject: tenantId,
            ce_source: '/saga-service',
            ce_correlationid: `corr-${created}`,
            ce_causationid: created,
          }),
        }),
      ]),
    );
  });

  it('purges a tenant when the registry asks: sagas, outbox, timers and processed inputs, and reports; other tenants keep theirs', async () => {
    const pending = randomUUID();
    await publishEvent({ tenantId: tenantB, ...confirmed(pending) });
    await eventually(async () => expect(await countRows('timers', tenantB)).toBe(1));
    const rows: Record<string, number> = {};
    for (const table of ['fulfilments', 'outbox', 'processed_inputs']) {
      rows[table] = await countRows(table, tenantB);
      expect(rows[table]).toBeGreaterThan(0);
    }

    const request = {
      tenantId: tenantB,
      type: 'tenants.TenantStoragePurgeRequested',
      data: { tenantId: tenantB, isolation: 'shared' },
    };
    await publishEvent(request);
    await eventually(async () => {
      for (const table of ['fulfilments', 'outbox', 'timers', 'processed_inputs'])
        expect(await countRows(table, tenantB)).toBe(0);
    });
    const purged = () =>
      sent.filter(
        (m) => m.headers.ce_tenantid === tenantB && m.headers.ce_type === 'tenants.TenantStoragePurged',
      );
    const objects = 1 + Object.values(rows).reduce((sum, n) => sum + n, 0);
    await eventually(() =>
      expect(purged().map((m) => m.value)).toEqual([
        {
          tenantId: tenantB,
          owner: 'saga-service',
          objects,
          description: expect.stringContaining('1 timers'),
        },
      ]),
    );
    expect(await countRows('fulfilments', tenantA)).toBe(1);
    expect(await countRows('outbox', tenantA)).toBe(8);
    expect(await countRows('processed_inputs', tenantA)).toBeGreaterThan(0);

    // A redelivered request purges nothing more, and says so.
    await publishEvent(request);
    await eventually(() => expect(purged().map((m) => m.value)).toHaveLength(2));
    expect(purged()[1]?.value).toMatchObject({ objects: 0 });
  });
});

describe('durable deadlines (step timeout 1.5 s)', () => {
  const tenant = randomUUID();

  it('compensates a step that gets no answer in time: releases and cancels with timeout, once', async () => {
    const app = await startSaga({ SAGA_STEP_TIMEOUT_MS: '1500' });
    try {
      const orderId = randomUUID();
      await publishEvent({ tenantId: tenant, ...confirmed(orderId) });
      await eventually(() => expect(commandsOf(tenant, orderId)).toHaveLength(2));
      await publishEvent({
        tenantId: tenant,
        type: 'inventory.StockReserved',
        data: { sku: 'SKU-A', orderId, quantity: 2 },
      });
      // the compensation's commands go to two topics: wait for all of them, not the first to arrive
      const compensation = await eventually(
        () => {
          const commands = commandsOf(tenant, orderId);
          expect(commands.filter((m) => m.headers.ce_type === 'orders.CancelOrder')).toHaveLength(1);
          expect(commands.length).toBeGreaterThanOrEqual(5);
          return commands;
        },
        { timeoutMs: 20_000 },
      );
      expect(compensation.find((m) => m.headers.ce_type === 'orders.CancelOrder')?.value).toEqual({
        orderId,
        reason: 'timeout',
      });
      expect(typesOf(compensation)).toEqual([
        'inventory.ReleaseStock',
        'inventory.ReleaseStock',
        'inventory.ReserveStock',
        'inventory.ReserveStock',
        'orders.CancelOrder',
      ]);
      expect(await sagaRow(tenant, orderId)).toMatchObject({ status: 'cancelled', reason: 'timeout' });
      expect(await countRows('timers', tenant, orderId)).toBe(0);
    } finally {
      await stopSaga(app);
    }
  });

  it('keeps a pending deadline across a restart: it fires after the restart, once', async () => {
    const orderId = randomUUID();
    const first = await startSaga({ SAGA_STEP_TIMEOUT_MS: '3000' });
    try {
      await publishEvent({ tenantId: tenant, ...confirmed(orderId) });
      await eventually(async () => expect(await countRows('timers', tenant, orderId)).toBe(1));
    } finally {
      await stopSaga(first);
    }
    // nothing runs: the deadline waits in its row, and comes due meanwhile
    await eventually(
      async () =>
        withTestClient(async (client) => {
          const { rows } = await client.query<{ due: boolean }>(
            `select due_at <= now() as due from ${schema}.timers where tenant_id = $1 and order_id = $2`,
            [tenant, orderId],
          );
          expect(rows[0]?.due).toBe(true);
        }),
      { timeoutMs: 10_000, intervalMs: 200 },
    );
    expect(
      commandsOf(tenant, orderId).filter((m) => m.headers.ce_type === 'orders.CancelOrder'),
    ).toHaveLength(0);

    const second = await startSaga({ SAGA_STEP_TIMEOUT_MS: '3000' });
    try {
      await eventually(() =>
        expect(
          commandsOf(tenant, orderId).filter((m) => m.headers.ce_type === 'orders.CancelOrder'),
        ).toHaveLength(1),
      );
      expect(await sagaRow(tenant, orderId)).toMatchObject({ status: 'cancelled', reason: 'timeout' });
      expect(await countRows('timers', tenant, orderId)).toBe(0);
      await withTestClient(async (client) => {
        const { rows } = await client.query<{ n: string }>(
          `select count(*) as n from ${schema}.outbox where tenant_id = $1 and order_id = $2 and type = 'orders.CancelOrder'`,
          [tenant, orderId],
        );
        expect(rows[0]?.n).toBe('1');
      });
    } finally {
      await stopSaga(second);
    }
  });

  it('fires each of many deadlines once with two instances racing for them', async () => {
    const orders = Array.from({ length: 10 }, () => randomUUID());
    const instances = await Promise.all([
      startSaga({ SAGA_STEP_TIMEOUT_MS: '2000' }),
      startSaga({ SAGA_STEP_TIMEOUT_MS: '2000' }),
    ]);
    try {
      await Promise.all(orders.map((orderId) => publishEvent({ tenantId: tenant, ...confirmed(orderId) })));
      await eventually(
        async () => {
          for (const orderId of orders)
            expect(await sagaRow(tenant, orderId)).toMatchObject({ status: 'cancelled', reason: 'timeout' });
        },
        { timeoutMs: 30_000 },
      );
      await withTestClient(async (client) => {
        const { rows } = await client.query<{ order_id: string; n: string }>(
          `select order_id, count(*) as n from ${schema}.outbox
            where tenant_id = $1 and type = 'orders.CancelOrder' and order_id = any($2::uuid[]) group by order_id`,
          [tenant, orders],
        );
        expect(rows).toHaveLength(orders.length);
        for (const row of rows) expect(row.n).toBe('1');
      });
    } finally {
      await Promise.all(instances.map((instance) => stopSaga(instance)));
    }
  });
});

describe('the outbox across a crash between the state write and the publish', () => {
  it('publishes after the restart, at least once, with the same ce_id', async () => {
    const tenant = randomUUID();
    const orderId = randomUUID();
    // an instance whose relay never publishes: as if it died after the step's commit
    const crashed = await startSaga({ SAGA_STEP_TIMEOUT_MS: '60000' }, { relay: false });
    let commandIds: string[];
    try {
      const confirmedId = await publishEvent({ tenantId: tenant, ...confirmed(orderId) });
      commandIds = [commandIdOf(tenant, confirmedId, 0), commandIdOf(tenant, confirmedId, 1)].sort();
      await eventually(async () => expect(await countRows('outbox', tenant, orderId)).toBe(2));
      expect(commandsOf(tenant, orderId)).toHaveLength(0);
    } finally {
      await stopSaga(crashed);
    }

    const restarted = await startSaga({ SAGA_STEP_TIMEOUT_MS: '60000' });
    try {
      await eventually(() =>
        expect(
          commandsOf(tenant, orderId)
            .map((m) => m.headers.ce_id)
            .sort(),
        ).toEqual(commandIds),
      );
      // acknowledged by Kafka but not marked sent (a crash right after the ack): published again, same ids
      await withTestClient((client) =>
        client.query(`update ${schema}.outbox set sent_at = null where tenant_id = $1 and order_id = $2`, [
          tenant,
          orderId,
        ]),
      );
      await eventually(() =>
        expect(
          commandsOf(tenant, orderId)
            .map((m) => m.headers.ce_id)
            .sort(),
        ).toEqual([...commandIds, ...commandIds].sort()),
      );
    } finally {
      await stopSaga(restarted);
    }
  });
});
