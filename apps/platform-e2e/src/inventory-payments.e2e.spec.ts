import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { messageDefinition, Topics, type PaymentCommand } from '@platform/contracts';
import { fromCurrentContext, KafkaMessaging } from '@platform/messaging';
import { TenantContextStore } from '@platform/tenancy';
import { eventually, testInfra, uniqueSuffix } from '@platform/testing';
import { api, expectProblem } from './http-client';
import { startPlatform, stopCleanly, type Platform } from './platform.fixture';
import { createActiveTenant } from './tenants';

interface AuditRecordBody {
  readonly action: string;
  readonly target: string;
  readonly actor: string;
  readonly previousState: unknown;
  readonly newState: Record<string, unknown> | null;
}

/**
 * Products, confirm and cancel through the gateway, and the payment processor behind
 * `payments.commands` (contract §5): what a client and the fulfilment saga see, on the whole
 * platform over real Kafka and PostgreSQL.
 */
describe('inventory, payments, confirm and cancel end to end', () => {
  let platform: Platform;
  let gw: string;
  let admin: string;
  let tenantA: string;
  let tenantB: string;
  let alice: string;
  let bob: string;
  let viewer: string;
  let kafka: KafkaMessaging;
  const suffix = uniqueSuffix();

  beforeAll(async () => {
    platform = await startPlatform(31_080, { extraEnv: { PAYMENT_PROVIDER_TIMEOUT_MS: '1000' } });
    gw = platform.gateways[0]?.url ?? '';
    admin = platform.token(['platform-admin'], [], 'e2e-ip-admin');
    [tenantA, tenantB] = await Promise.all([
      createActiveTenant({ via: gw, admin, slug: `ip-a-${suffix}`, isolation: 'shared' }),
      createActiveTenant({ via: gw, admin, slug: `ip-b-${suffix}`, isolation: 'schema' }),
    ]);
    alice = platform.token(['member'], [tenantA], 'alice');
    bob = platform.token(['member'], [tenantB], 'bob');
    viewer = platform.token(['viewer'], [tenantA], 'vera');
    kafka = await KafkaMessaging.connect(
      {
        brokers: testInfra.kafkaBrokers,
        clientId: `e2e-saga-${suffix}`,
        topicPrefix: platform.env.KAFKA_TOPIC_PREFIX ?? '',
        service: 'e2e-saga',
      },
      pino({ level: 'silent' }),
    );
  }, 240_000);

  afterAll(async () => {
    await kafka.close();
    await stopCleanly(platform);
  }, 60_000);

  const auditOf = async (tenantId: string, target: string): Promise<AuditRecordBody[]> => {
    const response = await api(gw, 'GET', `/v1/tenants/${tenantId}/audit?limit=1000`, { token: admin });
    expect(response.status).toBe(200);
    return (response.body.records as AuditRecordBody[]).filter((record) => record.target === target);
  };

  /** A draft order of tenant A with one item (the gateway may serve the tenant a moment late). */
  const draftOrder = async (items = 1): Promise<string> => {
    const created = await eventually(async () => {
      const response = await api(gw, 'POST', '/v1/orders', { token: alice, body: { customerId: 'c-1' } });
      expect(response.status).toBe(201);
      return response;
    });
    const orderId = String(created.body.orderId);
    for (let i = 0; i < items; i += 1) {
      const added = await api(gw, 'POST', `/v1/orders/${orderId}/items`, {
        token: alice,
        body: { sku: 'SKU-1', quantity: 1, unitPrice: { amount: '4.00', currency: 'EUR' } },
      });
      expect(added.status).toBe(200);
    }
    return orderId;
  };

  it('creates, restocks and reads a product with its ETag; another tenant gets a 404', async () => {
    const sku = `WIDGET-${suffix}`;
    const created = await eventually(async () => {
      const response = await api(gw, 'POST', '/v1/products', {
        token: alice,
        body: { sku, name: 'Widget', stock: 10 },
      });
      expect(response.status).toBe(201);
      return response;
    });
    expect(created.headers.get('location')).toBe(`/v1/products/${sku}`);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.body).toEqual({ sku, version: 1, position: expect.any(Number) });

    expectProblem(
      await api(gw, 'POST', '/v1/products', { token: alice, body: { sku, name: 'Again', stock: 1 } }),
      409,
    );
    const invalid = await api(gw, 'POST', '/v1/products', {
      token: alice,
      body: { sku: 'bad sku!', name: '', stock: -1, extra: true },
    });
    expectProblem(invalid, 400);
    expect((invalid.body.errors as unknown[]).length).toBeGreaterThanOrEqual(3);

    const restocked = await api(gw, 'POST', `/v1/products/${sku}/restock`, {
      token: alice,
      body: { quantity: 5 },
      headers: { 'if-match': '"1"' },
    });
    expect(restocked.status).toBe(200);
    expect(restocked.headers.get('etag')).toBe('"2"');
    expectProblem(
      await api(gw, 'POST', `/v1/products/${sku}/restock`, {
        token: alice,
        body: { quantity: 5 },
        headers: { 'if-match': '"1"' },
      }),
      412,
    );

    const read = await api(gw, 'GET', `/v1/products/${sku}`, {
      token: viewer,
      headers: { 'x-consistency-token': String(restocked.body.position) },
    });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"2"');
    expect(read.body).toEqual({ sku, name: 'Widget', available: 15, reserved: 0 });
    // a viewer reads but does not write
    expectProblem(
      await api(gw, 'POST', `/v1/products/${sku}/restock`, { token: viewer, body: { quantity: 1 } }),
      403,
    );

    // tenant B: A's product does not exist for it, and B's restock of that sku is a 404 too
    await eventually(async () =>
      expectProblem(await api(gw, 'GET', `/v1/products/${sku}`, { token: bob }), 404),
    );
    expectProblem(
      await api(gw, 'POST', `/v1/products/${sku}/restock`, { token: bob, body: { quantity: 1 } }),
      404,
    );
    expectProblem(await api(gw, 'GET', `/v1/products/UNKNOWN-${suffix}`, { token: alice }), 404);

    const records = await auditOf(tenantA, `product/${sku}`);
    expect(records.map((r) => r.action)).toEqual([
      'product.create',
      'product.create.refused',
      'product.restock',
      'product.restock.refused',
    ]);
  });

  it('refuses to confirm an empty order (409); confirms an order with items (202)', async () => {
    const empty = await draftOrder(0);
    expectProblem(
      await api(gw, 'POST', `/v1/orders/${empty}/confirm`, {
        token: alice,
        body: { paymentToken: 'tok_visa' },
      }),
      409,
    );
    expectProblem(
      await api(gw, 'POST', `/v1/orders/${empty}/confirm`, { token: alice, body: { paymentToken: 'visa' } }),
      400,
    );

    const orderId = await draftOrder(2);
    const confirmed = await api(gw, 'POST', `/v1/orders/${orderId}/confirm`, {
      token: alice,
      body: { paymentToken: 'tok_visa' },
      headers: { 'if-match': '"3"' },
    });
    expect(confirmed.status).toBe(202);
    expect(confirmed.body).toEqual({ version: 4, position: expect.any(Number) });
    expect(confirmed.headers.get('etag')).toBe('"4"');
    const read = await api(gw, 'GET', `/v1/orders/${orderId}`, {
      token: alice,
      headers: { 'x-consistency-token': String(confirmed.body.position) },
    });
    // the fulfilment saga (when it runs) takes it on from `confirmed`
    expect(['confirmed', 'reserved', 'paid', 'shipped', 'cancelled']).toContain(read.body.status);
    expect(Number(read.body.version)).toBeGreaterThanOrEqual(4);
    const confirms = (await auditOf(tenantA, `order/${orderId}`)).filter((r) => r.action === 'order.confirm');
    expect(confirms).toHaveLength(1);
    expect(confirms[0]?.newState).toMatchObject({ status: 'confirmed' });
    // B cannot confirm A's order: it does not exist for B
    expectProblem(
      await api(gw, 'POST', `/v1/orders/${orderId}/confirm`, {
        token: bob,
        body: { paymentToken: 'tok_visa' },
      }),
      404,
    );
  });

  it('cancels a draft order for its customer (200); other reasons are not a client`s to give', async () => {
    const orderId = await draftOrder(1);
    expectProblem(
      await api(gw, 'POST', `/v1/orders/${orderId}/cancel`, { token: alice, body: { reason: 'timeout' } }),
      400,
    );
    const cancelled = await api(gw, 'POST', `/v1/orders/${orderId}/cancel`, {
      token: alice,
      body: { reason: 'customer' },
    });
    expect(cancelled.status).toBe(200);
    const read = await api(gw, 'GET', `/v1/orders/${orderId}`, {
      token: alice,
      headers: { 'x-consistency-token': String(cancelled.body.position) },
    });
    expect(read.body).toMatchObject({ status: 'cancelled', version: cancelled.body.version });
    expectProblem(
      await api(gw, 'POST', `/v1/orders/${orderId}/confirm`, {
        token: alice,
        body: { paymentToken: 'tok_visa' },
      }),
      409,
    );
  });

  /** As the fulfilment saga sends: on `payments.commands`, keyed by order id, without a reply-to. */
  const sendPayment = (command: PaymentCommand): Promise<void> =>
    TenantContextStore.run(
      {
        tenantId: tenantA,
        actor: 'service:saga',
        roles: [],
        correlationId: randomUUID(),
        causationId: randomUUID(),
      },
      () =>
        kafka.publish([
          fromCurrentContext({
            topic: kafka.topic(Topics.paymentsCommands),
            type: `payments.${command.type}`,
            subject: command.data.orderId,
            value: command.data,
            source: kafka.source,
            dataSchemaVersion: messageDefinition('payments', command.type).schemaVersion,
          }),
        ]),
    );
  const charge = (orderId: string, paymentToken: string): PaymentCommand => ({
    type: 'ChargePayment',
    data: { orderId, amount: { amount: '8.00', currency: 'EUR' }, paymentToken },
  });
  const paymentStates = async (orderId: string) =>
    (await auditOf(tenantA, `payment/${orderId}`)).map((r) => [r.action, r.newState?.status, r.actor]);

  it('charges tok_visa and declines tok_decline through the payment processor, once each', async () => {
    const visa = randomUUID();
    const decline = randomUUID();
    await sendPayment(charge(visa, 'tok_visa'));
    await sendPayment(charge(decline, 'tok_decline'));
    await eventually(
      async () =>
        expect(await paymentStates(visa)).toEqual([
          ['payment.charge', 'requested', 'service:saga'],
          ['payment.record-outcome', 'charged', 'service:payment-processor'],
        ]),
      { timeoutMs: 30_000, what: 'tok_visa charged' },
    );
    await eventually(
      async () =>
        expect(await paymentStates(decline)).toEqual([
          ['payment.charge', 'requested', 'service:saga'],
          ['payment.record-outcome', 'declined', 'service:payment-processor'],
        ]),
      { timeoutMs: 30_000, what: 'tok_decline declined' },
    );
    // a second ChargePayment (another command id) changes nothing and asks the provider nothing
    await sendPayment(charge(visa, 'tok_visa'));
    await sendPayment({ type: 'RefundPayment', data: { orderId: visa } });
    await eventually(
      async () =>
        expect(await paymentStates(visa)).toEqual([
          ['payment.charge', 'requested', 'service:saga'],
          ['payment.record-outcome', 'charged', 'service:payment-processor'],
          ['payment.charge', 'charged', 'service:saga'],
          ['payment.refund', 'refunded', 'service:saga'],
        ]),
      { timeoutMs: 30_000, what: 'tok_visa refunded' },
    );
  });

  it('gets no answer for tok_timeout: the payment stays requested until a RefundPayment voids it', async () => {
    const orderId = randomUUID();
    await sendPayment(charge(orderId, 'tok_timeout'));
    await eventually(async () =>
      expect(await paymentStates(orderId)).toEqual([['payment.charge', 'requested', 'service:saga']]),
    );
    // the processor gives up on the provider after PAYMENT_PROVIDER_TIMEOUT_MS (1 s here) and records
    // nothing; the saga's deadline would then send RefundPayment, which voids the payment
    await sendPayment({ type: 'RefundPayment', data: { orderId } });
    await eventually(
      async () =>
        expect(await paymentStates(orderId)).toEqual([
          ['payment.charge', 'requested', 'service:saga'],
          ['payment.refund', 'voided', 'service:saga'],
        ]),
      { timeoutMs: 30_000, what: 'tok_timeout voided' },
    );
  });
});
