import { Pool } from 'pg';
import { eventually, testInfra, uniqueSuffix } from '@platform/testing';
import { expectProblem } from './http-client';
import { FulfilmentClient, paymentEventsByOrder } from './fulfilment-client';
import { startPlatform, stopCleanly, type Platform } from './platform.fixture';
import { createActiveTenant } from './tenants';

/** The saga's step deadline here: short, so that `tok_timeout` is compensated within the test. */
const STEP_TIMEOUT_MS = 5_000;
const HOUR_MS = 3_600_000;

/**
 * Contract §5 end to end: the order-fulfilment saga through the HTTP gateway, over every service,
 * real Kafka and PostgreSQL. Each order's fate is read back through the public routes (order,
 * product, history); payments from the event store (the contract has no payment route).
 */
describe('order fulfilment end to end: paid, declined, timed out, out of stock, cancelled', () => {
  let platform: Platform;
  let client: FulfilmentClient;
  let tenantId: string;
  let store: Pool;
  const suffix = uniqueSuffix();

  beforeAll(async () => {
    platform = await startPlatform(30_080, {
      extraEnv: { SAGA_STEP_TIMEOUT_MS: String(STEP_TIMEOUT_MS), PAYMENT_PROVIDER_TIMEOUT_MS: '1000' },
    });
    const gw = platform.gateways[0]?.url ?? '';
    const admin = platform.token(['platform-admin'], [], 'e2e-ff-admin');
    tenantId = await createActiveTenant({ via: gw, admin, slug: `ff-${suffix}`, isolation: 'schema' });
    client = new FulfilmentClient(gw, platform.token(['member'], [tenantId], 'ff-alice'));
    store = new Pool({ connectionString: testInfra.databaseUrl, max: 2 });
  }, 240_000);

  afterAll(async () => {
    await store?.end();
    await stopCleanly(platform);
  }, 60_000);

  const historyTypes = async (orderId: string) => (await client.history(orderId)).map((e) => e.type);
  const paymentOf = async (orderId: string) => (await paymentEventsByOrder(store, tenantId)).get(orderId);
  const outcomes: Record<string, number> = {};
  const track = (outcome: string) => (outcomes[outcome] = (outcomes[outcome] ?? 0) + 1);

  it('ships a tok_visa order: reserved, paid, shipped, its stock committed, charged once', async () => {
    const [a, b] = [await client.createProduct(10), await client.createProduct(3)];
    const orderId = await client.draftOrder([
      [a, 2],
      [b, 3],
    ]);
    await client.confirm(orderId, 'tok_visa');

    expect(await client.outcome(orderId)).toBe('shipped');
    track('shipped');
    expect(await historyTypes(orderId)).toEqual([
      'OrderCreated',
      'OrderItemAdded',
      'OrderItemAdded',
      'OrderConfirmed',
      'OrderReserved',
      'OrderPaid',
      'OrderShipped',
    ]);
    const saga = (await client.history(orderId)).slice(4).map((e) => e.actor);
    expect(new Set(saga)).toEqual(new Set(['service:saga-service']));
    await eventually(async () => expect(await client.order(orderId)).toMatchObject({ status: 'shipped' }));
    // committed: gone from the shelf for good, nothing held
    await client.stockSettles(a, { available: 8, reserved: 0 });
    await client.stockSettles(b, { available: 0, reserved: 0 });
    expect(await paymentOf(orderId)).toEqual(['PaymentRequested', 'PaymentCharged']);
  });

  it('cancels a tok_decline order as payment-declined and releases its reservation', async () => {
    const sku = await client.createProduct(5);
    const orderId = await client.draftOrder([[sku, 4]]);
    await client.confirm(orderId, 'tok_decline');

    expect(await client.outcome(orderId)).toBe('cancelled:payment-declined');
    track('cancelled');
    expect(await historyTypes(orderId)).toEqual([
      'OrderCreated',
      'OrderItemAdded',
      'OrderConfirmed',
      'OrderReserved',
      'OrderCancelled',
    ]);
    await eventually(async () => expect(await client.order(orderId)).toMatchObject({ status: 'cancelled' }));
    await client.stockSettles(sku, { available: 5, reserved: 0 });
    expect(await paymentOf(orderId)).toEqual(['PaymentRequested', 'PaymentDeclined']);
  });

  it('cancels a tok_timeout order as timeout after the step deadline, releases it and voids the payment', async () => {
    const sku = await client.createProduct(5);
    const orderId = await client.draftOrder([[sku, 1]]);
    await client.confirm(orderId, 'tok_timeout');

    expect(await client.outcome(orderId, 30_000 + STEP_TIMEOUT_MS)).toBe('cancelled:timeout');
    track('cancelled');
    const history = await client.history(orderId);
    expect(history.map((e) => e.type)).toEqual([
      'OrderCreated',
      'OrderItemAdded',
      'OrderConfirmed',
      'OrderReserved',
      'OrderCancelled',
    ]);
    // the payment step waited its whole deadline, counted from when the saga saw the stock reserved
    // (after the confirmation; the OrderReserved event itself is recorded a moment later)
    const time = (type: string) => Date.parse(history.find((e) => e.type === type)?.time ?? '');
    expect(time('OrderCancelled') - time('OrderConfirmed')).toBeGreaterThanOrEqual(STEP_TIMEOUT_MS);
    await client.stockSettles(sku, { available: 5, reserved: 0 });
    // never answered, so never charged: voided, and a void is final
    await eventually(async () =>
      expect(await paymentOf(orderId)).toEqual(['PaymentRequested', 'PaymentVoided']),
    );
  });

  it('cancels an order as out-of-stock, charges nothing and releases the skus it did get', async () => {
    const [plenty, scarce] = [await client.createProduct(5), await client.createProduct(1)];
    const orderId = await client.draftOrder([
      [plenty, 2],
      [scarce, 2],
    ]);
    await client.confirm(orderId, 'tok_visa');

    expect(await client.outcome(orderId)).toBe('cancelled:out-of-stock');
    track('cancelled');
    expect(await historyTypes(orderId)).toEqual([
      'OrderCreated',
      'OrderItemAdded',
      'OrderItemAdded',
      'OrderConfirmed',
      'OrderCancelled',
    ]);
    await client.stockSettles(plenty, { available: 5, reserved: 0 });
    await client.stockSettles(scarce, { available: 1, reserved: 0 });
    expect(await paymentOf(orderId)).toBeUndefined();
  });

  it('cancels for its customer an order held reserved (payment unanswered): released, payment voided', async () => {
    const sku = await client.createProduct(5);
    const orderId = await client.draftOrder([[sku, 2]]);
    await client.confirm(orderId, 'tok_timeout');
    await eventually(async () => expect(await client.order(orderId)).toMatchObject({ status: 'reserved' }));
    await client.stockSettles(sku, { available: 3, reserved: 2 });

    expect((await client.cancel(orderId)).status).toBe(200);
    expect(await client.outcome(orderId)).toBe('cancelled:customer');
    track('cancelled');
    await client.stockSettles(sku, { available: 5, reserved: 0 });
    await eventually(async () =>
      expect(await paymentOf(orderId)).toEqual(['PaymentRequested', 'PaymentVoided']),
    );
    // a second cancel is refused; the deadline that was pending cancels nothing more
    expectProblem(await client.cancel(orderId), 409);
    await client.stockSettles(sku, { available: 5, reserved: 0 });
    expect((await historyTypes(orderId)).filter((type) => type === 'OrderCancelled')).toHaveLength(1);
  });

  it('a customer cancel racing the paid saga: shipped and charged, or cancelled with stock released and money returned', async () => {
    const sku = await client.createProduct(20);
    const orders = await Promise.all(Array.from({ length: 6 }, () => client.draftOrder([[sku, 1]])));
    await Promise.all(
      orders.map(async (orderId, i) => {
        await client.confirm(orderId, 'tok_visa');
        // a different head start for each: some cancels land while reserved, paid or shipped
        await eventually(
          async () => expect((await client.history(orderId)).length).toBeGreaterThan(2 + (i % 4)),
          {
            timeoutMs: 30_000,
          },
        ).catch(() => undefined);
        expect([200, 409]).toContain((await client.cancel(orderId)).status);
      }),
    );
    let shipped = 0;
    for (const orderId of orders) {
      const outcome = await client.outcome(orderId);
      expect(['shipped', 'cancelled:customer']).toContain(outcome);
      track(outcome === 'shipped' ? 'shipped' : 'cancelled');
      await eventually(async () => {
        const events = (await paymentOf(orderId)) ?? [];
        if (outcome === 'shipped') expect(events).toEqual(['PaymentRequested', 'PaymentCharged']);
        // cancelled: never asked, or asked once and settled with nothing kept: declined, voided
        // (a charge that answers after the void is recorded and refunded at once), or refunded
        else
          expect([
            [],
            ['PaymentRequested', 'PaymentVoided'],
            ['PaymentRequested', 'PaymentVoided', 'PaymentCharged', 'PaymentRefunded'],
            ['PaymentRequested', 'PaymentCharged', 'PaymentRefunded'],
          ]).toContainEqual(events);
      });
      if (outcome === 'shipped') shipped += 1;
    }
    await client.stockSettles(sku, { available: 20 - shipped, reserved: 0 });
  });

  it('leaves cancelled orders out of the summary: only shipped orders count, with their revenue', async () => {
    const hour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
    const range = `from=${new Date(hour - HOUR_MS).toISOString()}&to=${new Date(hour + 2 * HOUR_MS).toISOString()}`;
    const shipped = outcomes['shipped'] ?? 0;
    expect(shipped).toBeGreaterThanOrEqual(1);
    expect(outcomes['cancelled'] ?? 0).toBeGreaterThanOrEqual(5);
    // the paid order: 5 units; each shipped racing order: 1 unit; 2.50 EUR a unit
    const revenue = (2.5 * (5 + (shipped - 1))).toFixed(2);
    await eventually(async () => {
      const summary = await client.get(`/v1/orders/summary?${range}`);
      expect(summary.status).toBe(200);
      expect(summary.body).toMatchObject({
        totalOrders: shipped,
        totalRevenue: [{ currency: 'EUR', amount: revenue, orders: shipped }],
      });
    });
  });
});
