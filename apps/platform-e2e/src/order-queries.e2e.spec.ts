import { randomUUID } from 'node:crypto';
import { uniqueSuffix } from '@platform/testing';
import { api, expectProblem, type ApiResponse } from './http-client';
import { startPlatform, stopCleanly, type Platform } from './platform.fixture';
import { createActiveTenant } from './tenants';

const HOUR_MS = 3_600_000;

/**
 * Contract §5, the query side through the gateway: `GET /v1/orders` (newest first, opaque cursor),
 * `GET /v1/orders/summary` (from the summary read model) and `GET /v1/orders/{id}/history` (from the
 * event store), each for the caller's tenant only, with `X-Consistency-Token`.
 */
describe('order list, summary and history through the gateway', () => {
  let platform: Platform;
  let gw: string;
  const suffix = uniqueSuffix();
  const ids = { a: '', b: '' };
  let alice: string;
  let bob: string;
  const orders: string[] = [];
  /** Per caller (one per tenant here), the position of its last command: its reads wait for it. */
  const positions = new Map<string, string>();

  const get = (path: string, token: string, consistency = positions.get(token) ?? '0') =>
    api(gw, 'GET', path, { token, headers: { 'x-consistency-token': consistency } });

  const command = async (token: string, path: string, body: unknown): Promise<ApiResponse> => {
    const response = await api(gw, 'POST', path, { token, body });
    expect(response.status).toBeLessThan(300);
    positions.set(token, String(response.body.position));
    return response;
  };

  const createOrder = async (token: string, customerId: string): Promise<string> =>
    String((await command(token, '/v1/orders', { customerId })).body.orderId);

  const addItem = (token: string, orderId: string, sku: string, quantity: number, amount: string) =>
    command(token, `/v1/orders/${orderId}/items`, {
      sku,
      quantity,
      unitPrice: { amount, currency: 'EUR' },
    });

  beforeAll(async () => {
    platform = await startPlatform(29_080);
    gw = platform.gateways[0]?.url ?? '';
    const admin = platform.token(['platform-admin'], [], 'e2e-qs-admin');
    const servedBy = {
      gateways: [gw],
      token: (tenantId: string) => platform.token(['viewer'], [tenantId], 'qs-probe'),
    };
    [ids.a, ids.b] = await Promise.all([
      createActiveTenant({ via: gw, admin, slug: `qs-a-${suffix}`, isolation: 'shared', servedBy }),
      createActiveTenant({ via: gw, admin, slug: `qs-b-${suffix}`, isolation: 'schema', servedBy }),
    ]);
    alice = platform.token(['member'], [ids.a], 'qs-alice');
    bob = platform.token(['member'], [ids.b], 'qs-bob');
    // A: three orders, c-1, c-2, c-1 (oldest first); B: one, with the same sku
    for (const customer of ['c-1', 'c-2', 'c-1']) orders.push(await createOrder(alice, customer));
    await addItem(alice, orders[0] as string, 'SKU-1', 2, '10.00');
    await addItem(alice, orders[0] as string, 'SKU-2', 1, '0.50');
    await addItem(alice, orders[1] as string, 'SKU-2', 5, '0.50');
    const orderOfB = await createOrder(bob, 'c-1');
    await addItem(bob, orderOfB, 'SKU-1', 9, '1.00');
  }, 240_000);

  afterAll(async () => {
    await stopCleanly(platform);
  }, 60_000);

  it('lists newest first in pages whose cursors stay right while new orders arrive', async () => {
    const first = await get('/v1/orders?limit=2', alice);
    expect(first.status).toBe(200);
    const items = first.body.items as { id: string; customerId: string }[];
    expect(items.map((o) => o.id)).toEqual([orders[2], orders[1]]);
    expect(items[1]).toMatchObject({
      customerId: 'c-2',
      totalAmount: '2.50',
      currency: 'EUR',
      status: 'draft',
    });
    expect(typeof first.body.nextCursor).toBe('string');

    // a new order between the pages: it is not on the next page, which goes on where the first ended
    const newer = await createOrder(alice, 'c-3');
    const cursor = encodeURIComponent(String(first.body.nextCursor));
    const second = await get(`/v1/orders?limit=2&cursor=${cursor}`, alice);
    expect(second.status).toBe(200);
    expect((second.body.items as { id: string }[]).map((o) => o.id)).toEqual([orders[0]]);
    expect(second.body.nextCursor).toBeNull();

    const fromTop = await get('/v1/orders', alice);
    expect((fromTop.body.items as { id: string }[]).map((o) => o.id)).toEqual([
      newer,
      ...[...orders].reverse(),
    ]);
    orders.push(newer);

    const filtered = await get('/v1/orders?customerId=c-1&status=draft', alice);
    expect((filtered.body.items as { id: string }[]).map((o) => o.id)).toEqual([orders[2], orders[0]]);
  });

  it("lists only the caller's tenant's orders", async () => {
    const list = await get('/v1/orders', bob);
    expect(list.status).toBe(200);
    const items = list.body.items as { id: string; totalAmount: string }[];
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ totalAmount: '9.00' });
    expect(items.map((o) => o.id)).not.toContain(orders[0]);
  });

  it('refuses a bad limit, an unknown parameter and a cursor that was altered or belongs to another list', async () => {
    for (const query of ['limit=0', 'limit=101', 'limit=ten', 'status=lost', 'sort=asc']) {
      const response = await get(`/v1/orders?${query}`, alice);
      expectProblem(response, 400, 'validation');
      expect(response.body.errors).toEqual([
        expect.objectContaining({ path: expect.stringMatching(/^\/query\//) }),
      ]);
    }
    const page = await get('/v1/orders?limit=1', alice);
    const cursor = String(page.body.nextCursor);
    const altered = `${cursor.slice(0, 5)}${cursor[5] === 'A' ? 'B' : 'A'}${cursor.slice(6)}`;
    for (const [path, token] of [
      [`/v1/orders?limit=1&cursor=${encodeURIComponent(altered)}`, alice],
      ['/v1/orders?cursor=garbage', alice],
      [`/v1/orders?limit=1&customerId=c-1&cursor=${encodeURIComponent(cursor)}`, alice],
      [`/v1/orders?limit=1&cursor=${encodeURIComponent(cursor)}`, bob],
    ] as const) {
      const response = await get(path, token);
      expectProblem(response, 400, 'validation');
      expect(response.body.errors).toEqual([expect.objectContaining({ path: '/query/cursor' })]);
    }
  });

  it('summarizes the orders created in a range of whole hours, per currency, for the tenant only', async () => {
    const hour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
    const range = `from=${new Date(hour - HOUR_MS).toISOString()}&to=${new Date(hour + 2 * HOUR_MS).toISOString()}`;
    const summary = await get(`/v1/orders/summary?${range}`, alice);
    expect(summary.status).toBe(200);
    // four orders (one still empty: no currency); 20.50 + 2.50 EUR over the two priced ones
    expect(summary.body).toMatchObject({
      totalOrders: 4,
      totalRevenue: [{ currency: 'EUR', amount: '23.00', orders: 2 }],
      averageOrderValue: [{ currency: 'EUR', amount: '11.50' }],
      topProducts: [
        { sku: 'SKU-2', quantity: 6, revenue: [{ currency: 'EUR', amount: '3.00' }] },
        { sku: 'SKU-1', quantity: 2, revenue: [{ currency: 'EUR', amount: '20.00' }] },
      ],
    });
    const ofB = await get(`/v1/orders/summary?${range}`, bob);
    expect(ofB.body).toMatchObject({
      totalOrders: 1,
      totalRevenue: [{ currency: 'EUR', amount: '9.00', orders: 1 }],
      topProducts: [{ sku: 'SKU-1', quantity: 9 }],
    });
    const before = await get(
      `/v1/orders/summary?from=${new Date(hour - 48 * HOUR_MS).toISOString()}&to=${new Date(hour - HOUR_MS).toISOString()}`,
      alice,
    );
    expect(before.body).toMatchObject({ totalOrders: 0, totalRevenue: [], topProducts: [] });
  });

  it('refuses a summary without a valid range', async () => {
    for (const query of [
      '',
      'from=yesterday&to=2026-12-01T00:00:00Z',
      'from=2026-12-01T00:30:00Z&to=2026-12-02T00:00:00Z',
      'from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z',
    ]) {
      const response = await get(`/v1/orders/summary?${query}`, alice);
      expectProblem(response, 400, 'validation');
      expect((response.body.errors as unknown[]).length).toBeGreaterThan(0);
    }
  });

  it("shows an order's events oldest first, from the event store", async () => {
    const history = await get(`/v1/orders/${orders[0]}/history`, alice, '0');
    expect(history.status).toBe(200);
    expect(history.body).toEqual({
      orderId: orders[0],
      events: [
        {
          type: 'OrderCreated',
          version: 1,
          time: expect.any(String),
          actor: 'qs-alice',
          data: { orderId: orders[0], customerId: 'c-1' },
        },
        {
          type: 'OrderItemAdded',
          version: 2,
          time: expect.any(String),
          actor: 'qs-alice',
          data: {
            orderId: orders[0],
            sku: 'SKU-1',
            quantity: 2,
            unitPrice: { amount: '10.00', currency: 'EUR' },
          },
        },
        expect.objectContaining({ type: 'OrderItemAdded', version: 3 }),
      ],
    });
    const times = (history.body.events as { time: string }[]).map((e) => Date.parse(e.time));
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });

  it("answers another tenant's order history exactly like an unknown order's", async () => {
    const theirs = await get(`/v1/orders/${orders[0]}/history`, bob);
    const unknown = await get(`/v1/orders/${randomUUID()}/history`, bob);
    expectProblem(theirs, 404, 'not-found');
    expectProblem(unknown, 404, 'not-found');
    const shape = (r: ApiResponse) => ({
      ...r.body,
      detail: undefined,
      instance: undefined,
      traceId: undefined,
    });
    expect(shape(theirs)).toEqual(shape(unknown));
    expectProblem(await get('/v1/orders/not-a-uuid/history', alice), 400, 'validation');
    expectProblem(await get(`/v1/orders/${orders[0]}/history`, alice, 'soon'), 400, 'validation');
  });
});
