import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createSigner } from 'fast-jwt';
import { Pool } from 'pg';
import pino from 'pino';
import { AuditLog } from '@platform/audit';
import { Topics, type OrderEvent, type TenantIsolation } from '@platform/contracts';
import { KafkaMessaging, NonRetriableError, type OutgoingMessage } from '@platform/messaging';
import {
  createReadModelDataSource,
  deprovisionTenantStorage,
  OrderViewStore,
  ParkedEvents,
  provisionTenantStorage,
  SeenPositions,
  TenantDataSources,
  type OrderEventToApply,
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
import { DeadLetterOperations } from '../dead-letters/dead-letter-operations';
import { DeadLettersHttpController } from '../dead-letters/dead-letters.http.controller';
import { OrderApplier } from '../orders/order-applier';
import { OrderProjectionController } from '../orders/order-projection.message-controller';
import { ParkedAggregates } from './parked-aggregates';
import { ParkedEventsHttpController } from './parked-events.http.controller';

// Poison messages park their aggregate, on a real broker and PostgreSQL: the projection's Kafka
// adapter, the parked table, the operator routes (over HTTP, with a platform-admin token) and the
// audit records of replays and skips.

const url = testInfra.databaseUrl;
const SECRET = 'parking-int-spec-secret-0123456789abcdef';
const sign = createSigner({ key: SECRET, algorithm: 'HS256', expiresIn: 600_000 });
const logger = pino({ level: 'silent' });

describe('poison messages park their aggregate (real PostgreSQL and Kafka)', () => {
  const suffix = uniqueSuffix();
  const prefix = `it-park-${suffix}.`;
  const schemas = { parked: `it_parked_${suffix}`, audit: `it_audit_${suffix}` };
  const t1 = randomUUID();
  const t2 = randomUUID();
  const isolation: Record<string, TenantIsolation> = { [t1]: 'schema', [t2]: 'shared' };

  const sources = new TenantDataSources(createReadModelDataSource(url, 4), url);
  const positions = new SeenPositions(sources.main);
  const store = new OrderViewStore(sources, (tenantId) => isolation[tenantId], positions);
  const pool = new Pool({ connectionString: url, max: 4 });
  const parked = new ParkedEvents(pool, schemas.parked);
  const audit = new AuditLog(pool, { schema: schemas.audit });

  /** The "bug": while set, applying one of these events fails (a code fix removes it). */
  const poisoned = new Set<string>();
  const buggyStore = {
    applyBatch: (tenantId: string, events: readonly OrderEventToApply[]) => {
      const poison = events.find((e) => poisoned.has(e.eventId));
      if (poison) return Promise.reject(new NonRetriableError(`simulated bug on ${poison.eventId}`));
      return store.applyBatch(tenantId, events);
    },
  } as unknown as OrderViewStore;
  const applier = new OrderApplier({ orders: buggyStore } satisfies Pick<ReadModels, 'orders'>);

  let messaging: KafkaMessaging;
  let app: NestFastifyApplication;
  let base: string;
  const admin = sign({ sub: 'ops-alice', roles: ['platform-admin'], tenants: [] });
  const tenantAdmin = sign({ sub: 'mallory', roles: ['tenant-admin'], tenants: [t1] });

  beforeAll(async () => {
    await sources.main.initialize();
    await positions.migrate();
    await Promise.all([
      provisionTenantStorage(url, t1, 'schema'),
      provisionTenantStorage(url, t2, 'shared'),
      parked.migrate(),
      audit.migrate(),
    ]);
    messaging = await KafkaMessaging.connect(
      { brokers: testInfra.kafkaBrokers, clientId: `it-park-${suffix}`, topicPrefix: prefix, service: 'it' },
      logger,
    );
    const projection = new OrderProjectionController(messaging, applier, parked, {
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_PARTITIONS: 3,
    });
    await projection.onModuleInit();

    @Module({
      controllers: [ParkedEventsHttpController, DeadLettersHttpController],
      providers: [
        {
          provide: ParkedAggregates,
          useValue: new ParkedAggregates(parked, audit, (m) => applier.applyMessage(m)),
        },
        {
          provide: DeadLetterOperations,
          useValue: new DeadLetterOperations(messaging.deadLetters, audit, prefix),
        },
        TenantDirectory,
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
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await messaging?.close();
    await deleteTopicsWithPrefix(prefix);
    await sources.close();
    await pool.end();
    await deprovisionTenantStorage(url, t1, 'schema');
    await deprovisionTenantStorage(url, t2, 'shared');
    await dropTestSchema(schemas.parked);
    await dropTestSchema(schemas.audit);
  }, 60_000);

  let version = 0;
  /** An order event of a tenant as the relay publishes it. */
  function event(tenantId: string, orderId: string, sequence: number, data: OrderEvent): OutgoingMessage {
    return {
      topic: messaging.topic(Topics.ordersEvents),
      key: orderId,
      value: data.data,
      attributes: {
        id: randomUUID(),
        type: `orders.${data.type}`,
        source: '/command-service',
        time: new Date(Date.UTC(2026, 11, 1, 0, 0, version++)).toISOString(),
        subject: orderId,
        tenantId,
        correlationId: randomUUID(),
        causationId: randomUUID(),
        dataSchemaVersion: 1,
        sequence,
      },
    };
  }
  const created = (t: string, o: string) =>
    event(t, o, 1, { type: 'OrderCreated', data: { orderId: o, customerId: 'c' } });
  const added = (t: string, o: string, v: number, sku: string) =>
    event(t, o, v, {
      type: 'OrderItemAdded',
      data: { orderId: o, sku, quantity: 1, unitPrice: { amount: '1.00', currency: 'EUR' } },
    });

  async function http(method: 'GET' | 'POST', path: string, token = admin) {
    const response = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
  const skus = async (tenantId: string, orderId: string) =>
    (await store.findOrder(tenantId, orderId))?.items.map((item) => item.sku);

  it('parks the poison order and what follows it, applies the rest, then replays, skips and audits', async () => {
    const order = randomUUID(); // in t1, and the same id in t2
    const other = randomUUID(); // t1
    const poison = added(t1, order, 2, 'POISON');
    poisoned.add(poison.attributes.id);
    const later = added(t1, order, 3, 'LATER');
    await messaging.publish([created(t1, order), created(t1, other), created(t2, order)]);
    await messaging.publish([poison, added(t1, other, 2, 'OTHER'), added(t2, order, 2, 'T2')]);
    await messaging.publish([later]);

    // the order is parked behind the poison: the later event is not applied over the gap
    await eventually(
      async () => {
        const { status, body } = await http('GET', `/v1/admin/parked/${t1}/${order}`);
        expect(status).toBe(200);
        expect(body.messages).toEqual([
          expect.objectContaining({
            eventId: poison.attributes.id,
            reason: 'failed',
            error: expect.stringContaining('simulated bug'),
          }),
          expect.objectContaining({ eventId: later.attributes.id, reason: 'behind', error: null }),
        ]);
      },
      { what: 'poison and later event parked' },
    );
    expect(await skus(t1, order)).toEqual([]);
    // other orders of the tenant, and the same order id in another tenant, go on
    await eventually(async () => expect(await skus(t1, other)).toEqual(['OTHER']));
    await eventually(async () => expect(await skus(t2, order)).toEqual(['T2']));
    expect((await http('GET', `/v1/admin/parked/${t2}/${order}`)).status).toBe(404);

    // the DLQ holds the poison, with the error in its headers
    const dlq = await eventually(
      async () => {
        const page = await http('GET', `/v1/admin/dlq/${Topics.ordersEvents}`);
        expect(page.status).toBe(200);
        const messages = page.body.messages as {
          headers: Record<string, string>;
          failure: Record<string, string>;
          partition: number;
          offset: string;
        }[];
        const found = messages.find((m) => m.headers.ce_id === poison.attributes.id);
        expect(found?.failure).toMatchObject({
          reason: 'invalid-payload',
          error: expect.stringContaining('simulated bug'),
        });
        return found!;
      },
      { what: 'poison in the DLQ' },
    );
    const shown = await http('GET', `/v1/admin/dlq/${Topics.ordersEvents}/${dlq.partition}/${dlq.offset}`);
    expect(shown.body).toMatchObject({
      key: order,
      headers: { ce_id: poison.attributes.id, ce_tenantid: t1 },
    });

    // a redelivery of the parked poison (here: the DLQ replayed to the topic) is not parked twice
    const replayedDlq = await http(
      'POST',
      `/v1/admin/dlq/${Topics.ordersEvents}/${dlq.partition}/${dlq.offset}/replay`,
    );
    expect(replayedDlq.body).toMatchObject({ replayedTo: messaging.topic(Topics.ordersEvents), key: order });
    // a later event of the same key (t2's order: same partition) is applied once the redelivery was handled
    await messaging.publish([added(t2, order, 3, 'T2-AFTER')]);
    await eventually(async () => expect(await skus(t2, order)).toEqual(['T2', 'T2-AFTER']));
    expect(((await http('GET', `/v1/admin/parked/${t1}/${order}`)).body.messages as unknown[]).length).toBe(
      2,
    );

    // a tenant admin (even of that tenant) sees and replays nothing
    expect((await http('GET', `/v1/admin/parked?tenant=${t1}`, tenantAdmin)).status).toBe(403);
    expect((await http('POST', `/v1/admin/parked/${t1}/${order}/replay`, tenantAdmin)).status).toBe(403);
    expect((await http('GET', `/v1/admin/dlq/${Topics.ordersEvents}`, tenantAdmin)).status).toBe(403);

    // replay before the fix: still parked, with the new error and one attempt more
    const early = await http('POST', `/v1/admin/parked/${t1}/${order}/replay`);
    expect(early.body).toMatchObject({ status: 'parked', applied: [], remaining: 2 });
    const [stillFirst] = (await http('GET', `/v1/admin/parked/${t1}/${order}`)).body.messages as {
      attempts: number;
    }[];
    expect(stillFirst?.attempts).toBe(2);

    // the fix, then a replay: both applied, in order, and the order is unparked
    poisoned.delete(poison.attributes.id);
    const replay = await http('POST', `/v1/admin/parked/${t1}/${order}/replay`);
    expect(replay.body).toMatchObject({
      status: 'unparked',
      applied: [poison.attributes.id, later.attributes.id],
      remaining: 0,
    });
    expect(await skus(t1, order)).toEqual(['POISON', 'LATER']);
    expect((await http('GET', `/v1/admin/parked/${t1}/${order}`)).status).toBe(404);
    // and the order's next event is applied straight away
    await messaging.publish([added(t1, order, 4, 'AFTER')]);
    await eventually(async () => expect(await skus(t1, order)).toEqual(['POISON', 'LATER', 'AFTER']));

    // skip: the first parked message is dropped, the rest applied
    const third = randomUUID();
    const bad = added(t1, third, 2, 'BAD');
    poisoned.add(bad.attributes.id);
    await messaging.publish([created(t1, third), bad, added(t1, third, 3, 'GOOD')]);
    await eventually(
      async () => {
        const listed = await http('GET', `/v1/admin/parked?tenant=${t1}`);
        expect(listed.body.aggregates).toEqual([expect.objectContaining({ aggregateId: third, events: 2 })]);
      },
      { what: 'third order parked' },
    );
    const skipped = await http('POST', `/v1/admin/parked/${t1}/${third}/skip`);
    expect(skipped.body).toMatchObject({ status: 'unparked', skipped: bad.attributes.id, remaining: 0 });
    expect(await skus(t1, third)).toEqual(['GOOD']);

    // every operator action is in the tenant's audit chain, with the operator as actor
    const records = await audit.list(t1, { limit: 100 });
    expect(records.map((r) => [r.action, r.actor])).toEqual([
      ['dlq.replay', 'ops-alice'],
      ['projection.parked.replay', 'ops-alice'],
      ['projection.parked.replay', 'ops-alice'],
      ['projection.parked.skip', 'ops-alice'],
    ]);
    expect((await audit.verify(t1)).valid).toBe(true);
  });
});
