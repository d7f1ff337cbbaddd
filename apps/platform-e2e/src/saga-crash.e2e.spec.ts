import { Pool } from 'pg';
import {
  eventually,
  startService,
  testInfra,
  uniqueSuffix,
  waitReady,
  type RunningService,
} from '@platform/testing';
import { FulfilmentClient, paymentEventsByOrder, productLedger, type Outcome } from './fulfilment-client';
import { startPlatform, stopCleanly, type Platform } from './platform.fixture';
import { createActiveTenant } from './tenants';

const ORDERS = 100;
const STOCK = 80;
/** Short enough that the `tok_timeout` orders' deadlines come due while the saga is down. */
const STEP_TIMEOUT_MS = 15_000;
/** The payment token of the i-th order: mostly paid, some declined, some never answered. */
const tokenOf = (i: number): string =>
  i % 10 === 3 ? 'tok_decline' : i % 20 === 7 ? 'tok_timeout' : 'tok_visa';

/**
 * Issue 10's saga crash test: 100 fulfilments under way when the saga service is killed with
 * SIGKILL (no shutdown hook runs) and started again on the same port. Its state, outbox and timers
 * are in PostgreSQL and its inputs on Kafka (ADR 0025), so every order must still end in exactly
 * one terminal state, no payment is charged twice or kept for a cancelled order, no stock is
 * reserved twice for an order, and no unit appears or vanishes.
 */
describe('saga crash: kill -9 in the middle of 100 fulfilments', () => {
  let platform: Platform;
  let client: FulfilmentClient;
  let tenantId: string;
  let store: Pool;

  beforeAll(async () => {
    platform = await startPlatform(16_080, { extraEnv: { SAGA_STEP_TIMEOUT_MS: String(STEP_TIMEOUT_MS) } });
    const gw = platform.gateways[0]?.url ?? '';
    const admin = platform.token(['platform-admin'], [], 'e2e-sc-admin');
    tenantId = await createActiveTenant({
      via: gw,
      admin,
      slug: `sc-${uniqueSuffix()}`,
      isolation: 'shared',
    });
    client = new FulfilmentClient(gw, platform.token(['member'], [tenantId], 'sc-alice'));
    store = new Pool({ connectionString: testInfra.databaseUrl, max: 2 });
  }, 240_000);

  afterAll(async () => {
    await store?.end();
    await stopCleanly(platform);
  }, 60_000);

  /** The tenant's terminal order events in the store, per order. */
  const terminalEvents = async (): Promise<Map<string, string[]>> => {
    const { rows } = await store.query<{ order_id: string; types: string[] }>(
      `select data->>'orderId' as order_id, array_agg(event_type order by stream_version) as types
         from event_store.events
        where tenant_id = $1 and event_type in ('OrderShipped', 'OrderCancelled')
        group by 1`,
      [tenantId],
    );
    return new Map(rows.map((row) => [row.order_id, row.types]));
  };

  it('ends every order in exactly one terminal state; stock and payments add up', async () => {
    const [a, b] = [await client.createProduct(STOCK), await client.createProduct(STOCK)];
    // half the orders take two skus: more saga steps, more for a crash to cut in two
    const orders: string[] = [];
    for (let i = 0; i < ORDERS; i += 10) {
      const batch = Array.from({ length: 10 }, (_, j) =>
        client.draftOrder(
          (i + j) % 2 === 0
            ? [[a, 1]]
            : [
                [a, 1],
                [b, 2],
              ],
          `c-${i + j}`,
        ),
      );
      orders.push(...(await Promise.all(batch)));
    }

    // confirm in waves; the saga dies after a third of them, while they are under way
    const saga = platform.services.findIndex((s) => s.name.endsWith('-saga'));
    const victim = platform.services[saga];
    if (!victim) throw new Error('no saga service');
    let killedAt = { confirmed: 0, terminal: 0 };
    let restarted: Promise<void> = Promise.resolve();
    for (let i = 0; i < ORDERS; i += 5) {
      await Promise.all(orders.slice(i, i + 5).map((orderId, j) => client.confirm(orderId, tokenOf(i + j))));
      if (i + 5 === 35) {
        killedAt = { confirmed: i + 5, terminal: (await terminalEvents()).size };
        const exited = new Promise((resolve) => victim.process.once('exit', resolve));
        victim.process.kill('SIGKILL');
        await exited;
        // started again while the confirms go on (they queue on Kafka meanwhile)
        const again = startService('saga-service', victim.name, victim.port, { ...platform.env });
        (platform.services as RunningService[])[saga] = again;
        restarted = waitReady(again, 120_000);
      }
    }
    await restarted;
    // it was killed in the middle: some confirmed orders had not ended yet
    expect(killedAt.terminal).toBeLessThan(killedAt.confirmed);

    const outcomes = new Map<string, Outcome>();
    for (const orderId of orders) outcomes.set(orderId, await client.outcome(orderId, 180_000));
    // no second terminal event comes after the others settled (a repeated step would add one)
    await eventually(async () => expect(await client.stock(a)).toMatchObject({ reserved: 0 }), {
      timeoutMs: 60_000,
    });
    await eventually(async () => expect(await client.stock(b)).toMatchObject({ reserved: 0 }), {
      timeoutMs: 60_000,
    });
    const terminal = await terminalEvents();
    expect(terminal.size).toBe(ORDERS);
    expect([...terminal.values()].filter((types) => types.length !== 1)).toEqual([]);

    const shipped = orders.filter((orderId) => outcomes.get(orderId) === 'shipped');
    expect(shipped.length).toBeGreaterThan(0);
    orders.forEach((orderId, i) => {
      const outcome = outcomes.get(orderId);
      if (tokenOf(i) === 'tok_decline')
        expect(outcome).toMatch(/^cancelled:(payment-declined|timeout|out-of-stock)$/);
      if (tokenOf(i) === 'tok_timeout') expect(outcome).toMatch(/^cancelled:(timeout|out-of-stock)$/);
    });

    // payments: charged once for a shipped order; a cancelled one keeps no charge
    const payments = await eventually(
      async () => {
        const byOrder = await paymentEventsByOrder(store, tenantId);
        for (const orderId of orders) {
          const events = byOrder.get(orderId) ?? [];
          const charged = events.filter((type) => type === 'PaymentCharged').length;
          const returned = events.filter((type) => type === 'PaymentRefunded').length;
          const requested = events.filter((type) => type === 'PaymentRequested').length;
          expect({ orderId, first: events[0] ?? 'none', requested }).toEqual({
            orderId,
            first: events.length > 0 ? 'PaymentRequested' : 'none',
            requested: events.length > 0 ? 1 : 0,
          });
          expect({ orderId, charged, kept: charged - returned }).toEqual({
            orderId,
            charged: charged > 0 ? 1 : 0,
            kept: outcomes.get(orderId) === 'shipped' ? 1 : 0,
          });
        }
        return byOrder;
      },
      { timeoutMs: 60_000, what: 'payments settled' },
    );
    expect(payments.size).toBeGreaterThanOrEqual(shipped.length);

    // stock: never a unit made or lost; each order reserved a sku at most once, and what it
    // reserved it either committed (shipped) or released (cancelled)
    for (const [sku, quantity, takes] of [
      [a, 1, () => true],
      [b, 2, (i: number) => i % 2 === 1],
    ] as const) {
      const ledger = await productLedger(store, tenantId, sku);
      const shippedHere = shipped.filter((orderId) => takes(orders.indexOf(orderId))).length;
      expect({ broken: ledger.broken, reserved: ledger.reserved, committed: ledger.committed }).toEqual({
        broken: [],
        reserved: 0,
        committed: shippedHere * quantity,
      });
      expect(await client.stock(sku)).toMatchObject({
        available: STOCK - shippedHere * quantity,
        reserved: 0,
      });
      orders.forEach((orderId) => {
        const events = ledger.byOrder.get(orderId);
        if (events === undefined) return;
        const expected =
          outcomes.get(orderId) === 'shipped'
            ? ['StockReserved', 'StockCommitted']
            : ['StockReserved', 'StockReleased'];
        expect({ orderId, events }).toEqual({ orderId, events: expected });
      });
    }
  }, 900_000);
});
