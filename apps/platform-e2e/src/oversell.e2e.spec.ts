import { Pool } from 'pg';
import { testInfra, uniqueSuffix } from '@platform/testing';
import { FulfilmentClient, paymentEventsByOrder, productLedger, type Outcome } from './fulfilment-client';
import { startPlatform, stopCleanly, type Platform } from './platform.fixture';
import { createActiveTenant } from './tenants';

const ORDERS = 200;
const STOCK = 50;

/** Runs `work` over `items`, at most `limit` at a time. */
async function inBatches<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += limit) {
    results.push(...(await Promise.all(items.slice(i, i + limit).map(work))));
  }
  return results;
}

/**
 * Issue 10's oversell test, through the whole platform: 200 orders of one unit confirmed at once
 * against a stock of 50. Each product's commands are decided one after the other against its
 * stream, so exactly 50 get the stock and ship, the other 150 are cancelled `out-of-stock`, and no
 * unit appears or vanishes on the way.
 */
describe('oversell: 200 orders confirmed at once against a stock of 50', () => {
  let platform: Platform;
  let client: FulfilmentClient;
  let tenantId: string;
  let store: Pool;

  beforeAll(async () => {
    platform = await startPlatform(17_080);
    const gw = platform.gateways[0]?.url ?? '';
    const admin = platform.token(['platform-admin'], [], 'e2e-os-admin');
    tenantId = await createActiveTenant({
      via: gw,
      admin,
      slug: `os-${uniqueSuffix()}`,
      isolation: 'shared',
    });
    client = new FulfilmentClient(gw, platform.token(['member'], [tenantId], 'os-alice'));
    store = new Pool({ connectionString: testInfra.databaseUrl, max: 2 });
  }, 240_000);

  afterAll(async () => {
    await store?.end();
    await stopCleanly(platform);
  }, 60_000);

  it('ships exactly 50, cancels 150 out-of-stock, and conserves available + reserved + committed', async () => {
    const sku = await client.createProduct(STOCK);
    const orders = await inBatches(
      Array.from({ length: ORDERS }, (_, i) => i),
      20,
      (i) => client.draftOrder([[sku, 1]], `c-${i}`),
    );

    await Promise.all(orders.map((orderId) => client.confirm(orderId, 'tok_visa')));

    const outcomes: Outcome[] = [];
    for (const orderId of orders) outcomes.push(await client.outcome(orderId, 120_000));
    const count = (outcome: Outcome) => outcomes.filter((o) => o === outcome).length;
    expect({ shipped: count('shipped'), outOfStock: count('cancelled:out-of-stock') }).toEqual({
      shipped: STOCK,
      outOfStock: ORDERS - STOCK,
    });

    await client.stockSettles(sku, { available: 0, reserved: 0 }, 60_000);
    const ledger = await productLedger(store, tenantId, sku);
    expect({ broken: ledger.broken, committed: ledger.committed, reserved: ledger.reserved }).toEqual({
      broken: [],
      committed: STOCK,
      reserved: 0,
    });
    // each shipped order reserved once and committed once; the others never held a unit
    orders.forEach((orderId, i) => {
      const expected = outcomes[i] === 'shipped' ? ['StockReserved', 'StockCommitted'] : undefined;
      expect({ orderId, stock: ledger.byOrder.get(orderId) }).toEqual({ orderId, stock: expected });
    });
    const payments = await paymentEventsByOrder(store, tenantId);
    expect(payments.size).toBe(STOCK);
    for (const [orderId, events] of payments) {
      expect({ orderId, events }).toEqual({ orderId, events: ['PaymentRequested', 'PaymentCharged'] });
    }
  }, 600_000);
});
