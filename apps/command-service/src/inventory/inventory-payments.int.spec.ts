import { randomUUID } from 'node:crypto';
import pino from 'pino';
import {
  messageDefinition,
  paymentStreamName,
  productStreamName,
  Topics,
  type InventoryCommand,
  type InventoryEvent,
  type PaymentCommand,
  type TenantSnapshot,
} from '@platform/contracts';
import { evolve, initialState, type ProductState } from '@platform/inventory-domain';
import { fromCurrentContext, KafkaMessaging, type ReplyListener } from '@platform/messaging';
import { TenantContextStore, TenantDirectory } from '@platform/tenancy';
import { deleteTopicsWithPrefix, eventually, testInfra, uniqueSuffix } from '@platform/testing';
import { GroupCommitAuditedAppend } from '../audited-append/group-commit-audited-append';
import { CommandMessageRunner } from '../command-pipeline/command-message-runner';
import { configSchema } from '../config';
import { PaymentsMessageController } from '../payments/payments.message-controller';
import { startCommandPostgres, type CommandPostgres } from '../testing/postgres-fixture';
import { InventoryMessageController } from './inventory.message-controller';

// The inventory and payments command handlers as the service runs them: commands on real Kafka
// topics, through the message controllers, the one pipeline and the group-commit audited append,
// on a real PostgreSQL. What a saga would do (commands without a reply-to) and what the gateway
// does (request-reply).

const logger = pino({ level: 'silent' });
const snapshot = (tenantId: string, slug: string): TenantSnapshot => ({
  tenantId,
  slug,
  name: slug,
  status: 'active',
  plan: 'enterprise',
  isolation: 'shared',
  region: 'eu-west-1',
  version: 1,
});

describe('inventory and payments commands through Kafka (real PostgreSQL and Kafka)', () => {
  const prefix = `it-cs-${uniqueSuffix()}.`;
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  let db: CommandPostgres;
  let service: KafkaMessaging;
  let client: KafkaMessaging;
  let replies: ReplyListener;

  beforeAll(async () => {
    db = await startCommandPostgres();
    const config = configSchema.parse({
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_PARTITIONS: '3',
      KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
      DATABASE_URL: testInfra.databaseUrl,
    });
    const connect = (clientId: string, name: string) =>
      KafkaMessaging.connect(
        { brokers: testInfra.kafkaBrokers, clientId, topicPrefix: prefix, service: name },
        logger,
      );
    service = await connect(`cs-${uniqueSuffix()}`, 'command-service');
    client = await connect(`client-${uniqueSuffix()}`, 'it-client');
    const directory = new TenantDirectory();
    directory.apply(snapshot(tenantA, `a-${uniqueSuffix()}`));
    directory.apply(snapshot(tenantB, `b-${uniqueSuffix()}`));
    const runner = new CommandMessageRunner(service, logger, directory);
    const audited = new GroupCommitAuditedAppend(db.pool, db.store, db.audit, db.usage);
    await new InventoryMessageController(service, db.store, audited, config, runner).onModuleInit();
    await new PaymentsMessageController(service, db.store, audited, config, runner).onModuleInit();
    replies = await client.listenForReplies(`${prefix}replies.it-client`);
  }, 60_000);

  afterAll(async () => {
    await client.close();
    await service.close();
    await db.close();
    await deleteTopicsWithPrefix(prefix);
  });

  const context = (tenantId: string, id = randomUUID()) => ({
    tenantId,
    actor: 'user:alice',
    roles: ['member'],
    correlationId: id,
    causationId: id,
  });

  const draft = (tenantId: string, command: InventoryCommand | PaymentCommand, id: string) => {
    const isInventory = 'sku' in command.data;
    const subject = 'sku' in command.data ? command.data.sku : command.data.orderId;
    return TenantContextStore.run(context(tenantId), () =>
      fromCurrentContext({
        id,
        topic: client.topic(isInventory ? Topics.inventoryCommands : Topics.paymentsCommands),
        type: `${isInventory ? 'inventory' : 'payments'}.${command.type}`,
        subject,
        value: command.data,
        source: client.source,
        dataSchemaVersion: messageDefinition(isInventory ? 'inventory' : 'payments', command.type)
          .schemaVersion,
      }),
    );
  };

  /** As the gateway sends: with a reply-to, waiting for the answer. */
  const request = (tenantId: string, command: InventoryCommand, id = randomUUID()) =>
    client.request<unknown>(replies, draft(tenantId, command, id), 30_000);

  /** As the saga sends: no reply-to. */
  const send = (tenantId: string, commands: { command: InventoryCommand | PaymentCommand; id: string }[]) =>
    client.publish(commands.map(({ command, id }) => draft(tenantId, command, id)));

  const productEvents = async (tenantId: string, sku: string) =>
    (await db.store.readStream(tenantId, productStreamName(sku))).map(
      (e) => ({ type: e.type, data: e.data }) as InventoryEvent,
    );
  const recordsOf = async (tenantId: string, target: string) =>
    (await db.audit.list(tenantId, { limit: 1_000 })).filter((record) => record.target === target);

  it('creates a product and audits it; a second create of the sku is refused, and audited too', async () => {
    const sku = `SKU-${uniqueSuffix()}`;
    const first = await request(tenantA, { type: 'CreateProduct', data: { sku, name: 'Widget', stock: 5 } });
    expect(first).toMatchObject({ ok: true, result: { sku, version: 1 } });
    const again = await request(tenantA, { type: 'CreateProduct', data: { sku, name: 'Other', stock: 1 } });
    expect(again).toMatchObject({
      ok: false,
      problem: { kind: 'conflict', detail: `Product ${sku} already exists` },
    });
    const restock = await request(tenantA, { type: 'RestockProduct', data: { sku, quantity: 3 } });
    expect(restock).toMatchObject({ ok: true, result: { sku, version: 2 } });

    const records = await recordsOf(tenantA, `product/${sku}`);
    expect(records.map((r) => r.action)).toEqual([
      'product.create',
      'product.create.refused',
      'product.restock',
    ]);
    expect(records[0]).toMatchObject({
      actor: 'user:alice',
      previousState: null,
      newState: { sku, name: 'Widget', available: 5, reserved: 0 },
    });
    expect(records[2]).toMatchObject({
      previousState: { available: 5 },
      newState: { available: 8, reserved: 0 },
    });
    expect(await db.audit.verify(tenantA)).toMatchObject({ valid: true });
  });

  it('never oversells: 200 reservations sent at once against a stock of 50', async () => {
    const sku = `HOT-${uniqueSuffix()}`;
    expect(
      await request(tenantA, { type: 'CreateProduct', data: { sku, name: 'Hot', stock: 50 } }),
    ).toMatchObject({
      ok: true,
    });
    const orders = Array.from({ length: 200 }, () => randomUUID());
    await Promise.all(
      orders.map((orderId) =>
        send(tenantA, [
          { command: { type: 'ReserveStock', data: { sku, orderId, quantity: 1 } }, id: randomUUID() },
        ]),
      ),
    );
    const events = await eventually(
      async () => {
        const recorded = await productEvents(tenantA, sku);
        expect(recorded).toHaveLength(201);
        return recorded;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: '200 reservations decided' },
    );
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect(count('StockReserved')).toBe(50);
    expect(count('StockReservationRejected')).toBe(150);
    // every order decided once, and available + reserved conserved after every event
    expect(new Set(events.slice(1).map((e) => (e.data as { orderId: string }).orderId)).size).toBe(200);
    let state: ProductState = initialState();
    for (const event of events) {
      state = evolve(state, event);
      if (state.status !== 'active') throw new Error('the product exists from its first event');
      expect(state.available + state.reserved).toBe(50);
      expect(state.available).toBeGreaterThanOrEqual(0);
    }
    expect(state).toMatchObject({ available: 0, reserved: 50 });
    const records = await recordsOf(tenantA, `product/${sku}`);
    expect(records.filter((r) => r.action === 'product.reserve')).toHaveLength(200);
  }, 90_000);

  it('answers a redelivered ReserveStock as its first run: one event, one audit record', async () => {
    const sku = `RD-${uniqueSuffix()}`;
    await request(tenantA, { type: 'CreateProduct', data: { sku, name: 'R', stock: 3 } });
    const orderId = randomUUID();
    const reserve: InventoryCommand = { type: 'ReserveStock', data: { sku, orderId, quantity: 2 } };
    const commandId = randomUUID();
    await send(tenantA, [{ command: reserve, id: commandId }]);
    await send(tenantA, [{ command: reserve, id: commandId }]);
    // a marker after both, on the same key: when it is decided, so are they
    const marker = await request(tenantA, { type: 'RestockProduct', data: { sku, quantity: 1 } });
    expect(marker).toMatchObject({ ok: true, result: { version: 3 } });
    expect((await productEvents(tenantA, sku)).map((e) => e.type)).toEqual([
      'ProductCreated',
      'StockReserved',
      'ProductRestocked',
    ]);
    const reserves = (await recordsOf(tenantA, `product/${sku}`)).filter(
      (r) => r.action === 'product.reserve',
    );
    expect(reserves).toHaveLength(1);
    expect(reserves[0]).toMatchObject({
      requestId: commandId,
      previousState: { available: 3, reserved: 0, hold: { orderId, quantity: 0 } },
      newState: { available: 1, reserved: 2, hold: { orderId, quantity: 2 } },
    });
  });

  it('keeps the same sku of two tenants apart', async () => {
    const sku = `SHARED-${uniqueSuffix()}`;
    await request(tenantA, { type: 'CreateProduct', data: { sku, name: 'A', stock: 1 } });
    expect(await request(tenantB, { type: 'RestockProduct', data: { sku, quantity: 1 } })).toMatchObject({
      ok: false,
      problem: { kind: 'notFound' },
    });
    await request(tenantB, { type: 'CreateProduct', data: { sku, name: 'B', stock: 7 } });
    const orderId = randomUUID();
    await send(tenantB, [
      { command: { type: 'ReserveStock', data: { sku, orderId, quantity: 5 } }, id: randomUUID() },
    ]);
    await eventually(async () =>
      expect((await productEvents(tenantB, sku)).map((e) => e.type)).toEqual([
        'ProductCreated',
        'StockReserved',
      ]),
    );
    expect(await productEvents(tenantA, sku)).toEqual([
      { type: 'ProductCreated', data: { sku, name: 'A', stock: 1 } },
    ]);
    expect(await recordsOf(tenantA, `product/${sku}`)).toHaveLength(1);
    expect((await recordsOf(tenantB, `product/${sku}`)).map((r) => r.action)).toEqual([
      'product.restock.refused',
      'product.create',
      'product.reserve',
    ]);
  });

  it('charges an order once: a redelivered ChargePayment is answered as its first run, another is a no-op', async () => {
    const orderId = randomUUID();
    const charge: PaymentCommand = {
      type: 'ChargePayment',
      data: { orderId, amount: { amount: '12.50', currency: 'EUR' }, paymentToken: 'tok_visa' },
    };
    const commandId = randomUUID();
    await send(tenantA, [
      { command: charge, id: commandId },
      { command: charge, id: commandId },
      { command: charge, id: randomUUID() },
    ]);
    // the same order in tenant B is another payment
    await send(tenantB, [{ command: charge, id: randomUUID() }]);
    const target = `payment/${orderId}`;
    await eventually(async () => expect(await recordsOf(tenantA, target)).toHaveLength(2));
    await eventually(async () => expect(await recordsOf(tenantB, target)).toHaveLength(1));
    const stream = await db.store.readStream(tenantA, paymentStreamName(orderId));
    expect(stream.map((e) => [e.type, e.metadata.causationId])).toEqual([['PaymentRequested', commandId]]);
    const records = await recordsOf(tenantA, target);
    expect(records.map((r) => r.action)).toEqual(['payment.charge', 'payment.charge']);
    expect(records[0]).toMatchObject({
      requestId: commandId,
      previousState: null,
      newState: { status: 'requested', amount: { amount: '12.50', currency: 'EUR' } },
    });
    expect(JSON.stringify(records)).not.toContain('tok_visa');
    expect(records[1]).toMatchObject({ previousState: records[0]!.newState, newState: records[0]!.newState });
    expect(await db.store.readStream(tenantB, paymentStreamName(orderId))).toHaveLength(1);
  });
});
