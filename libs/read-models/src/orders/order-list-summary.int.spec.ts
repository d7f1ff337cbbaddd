import { randomUUID } from 'node:crypto';
import type { OrderEvent, TenantIsolation } from '@platform/contracts';
import { testInfra } from '@platform/testing';
import { createReadModelDataSource } from '../data-source';
import { deprovisionTenantStorage, provisionTenantStorage } from '../provisioning';
import { RlsTenantPool } from '../rls-tenant-pool';
import { SeenPositions } from '../seen-positions';
import { SHARED_SCHEMA } from '../tenant-storage';
import { TenantDataSources } from '../tenant-data-sources';
import type { OrderListQuery } from './order-list.query';
import { OrderViewReader } from './order-view.reader';
import { OrderViewStore, type OrderEventToApply } from './order-view.store';

const url = testInfra.databaseUrl;

let position = 1_000;
const event = (event: OrderEvent, occurredAt: string, version: number): OrderEventToApply => ({
  eventId: randomUUID(),
  event,
  occurredAt,
  version,
  position: position++,
});
const created = (orderId: string, customerId: string, occurredAt: string) =>
  event({ type: 'OrderCreated', data: { orderId, customerId } }, occurredAt, 1);
const added = (
  orderId: string,
  version: number,
  sku: string,
  quantity: number,
  amount: string,
  currency = 'EUR',
  occurredAt = '2026-11-30T23:59:00.000Z',
) =>
  event(
    { type: 'OrderItemAdded', data: { orderId, sku, quantity, unitPrice: { amount, currency } } },
    occurredAt,
    version,
  );

describe.each<TenantIsolation>(['shared', 'schema', 'dedicated'])(
  'order list and summary, isolation %s, on real PostgreSQL',
  (isolation) => {
    const tenantA = randomUUID();
    const tenantB = randomUUID();
    const isolations = new Map<string, TenantIsolation>([
      [tenantA, isolation],
      [tenantB, isolation],
    ]);
    const isolationOf = (tenantId: string) => isolations.get(tenantId);
    const sources = new TenantDataSources(createReadModelDataSource(url, 2), url);
    const store = new OrderViewStore(sources, isolationOf, new SeenPositions(sources.main));
    const reader = new OrderViewReader(url, isolationOf, { poolSize: 2 });
    // five orders of A, created at 10:00, 10:30, 10:30 (a tie), 11:15 and 12:00; the same ids in B
    const ids = Array.from({ length: 5 }, () => randomUUID());
    const [o1, o2, o3, o4, o5] = ids as [string, string, string, string, string];
    const times = [
      '2026-11-30T10:00:00.000Z',
      '2026-11-30T10:30:00.123Z',
      '2026-11-30T10:30:00.123Z',
      '2026-11-30T11:15:00.000Z',
      '2026-11-30T12:00:00.000Z',
    ];

    const listIds = async (tenantId: string, query: Omit<OrderListQuery, 'limit'>, limit: number) => {
      const pages: string[][] = [];
      let after = query.after;
      for (;;) {
        const page = await reader.listOrders(tenantId, { ...query, limit, ...(after && { after }) });
        pages.push(page.items.map((order) => order.id));
        if (!page.next) return pages;
        after = page.next;
      }
    };

    beforeAll(async () => {
      await sources.main.initialize();
      await Promise.all([
        provisionTenantStorage(url, tenantA, isolation),
        provisionTenantStorage(url, tenantB, isolation),
      ]);
      await store.applyBatch(tenantA, [
        ...ids.map((id, i) => created(id, i % 2 === 0 ? 'c-even' : 'c-odd', times[i] as string)),
        added(o1, 2, 'SKU-1', 2, '10.00'),
        added(o1, 3, 'SKU-2', 1, '5.50'),
        added(o2, 2, 'SKU-2', 3, '5.50'),
        added(o4, 2, 'SKU-3', 1, '100.00', 'USD'),
        // o3 stays without a line; o5 gets its line through the one-event path
      ]);
      await store.apply(tenantA, randomUUID(), added(o5, 2, 'SKU-1', 1, '10.00').event, {
        occurredAt: '2026-11-30T12:01:00.000Z',
        version: 2,
        position: position++,
      });
      // B: the same order ids and skus, other customers and amounts, created a day later
      await store.applyBatch(tenantB, [
        ...ids.map((id, i) => created(id, 'c-b', times[i]?.replace('11-30', '12-01') as string)),
        added(o1, 2, 'SKU-1', 7, '1.00'),
      ]);
    }, 60_000);

    afterAll(async () => {
      await reader.close();
      await sources.close();
      for (const tenant of [tenantA, tenantB]) await deprovisionTenantStorage(url, tenant, isolation);
    }, 60_000);

    it('lists newest first, ties by id, in pages that add up to every order once', async () => {
      const [tieFirst, tieSecond] = [o2, o3].sort().reverse() as [string, string];
      expect((await listIds(tenantA, {}, 100)).flat()).toEqual([o5, o4, tieFirst, tieSecond, o1]);
      const pages = await listIds(tenantA, {}, 2);
      expect(pages).toEqual([[o5, o4], [tieFirst, tieSecond], [o1]]);
      const first = await reader.listOrders(tenantA, { limit: 2 });
      expect(first.items[0]).toMatchObject({
        id: o5,
        customerId: 'c-even',
        totalAmount: '10.00',
        currency: 'EUR',
      });
      expect(first.next).toEqual({ createdAt: '2026-11-30T11:15:00.000000Z', id: o4 });
    });

    it('filters by customer and by status', async () => {
      expect((await listIds(tenantA, { customerId: 'c-odd' }, 1)).flat()).toEqual([o4, o2]);
      expect((await listIds(tenantA, { customerId: 'c-even', status: 'draft' }, 2)).flat()).toEqual([
        o5,
        o3,
        o1,
      ]);
      expect((await listIds(tenantA, { status: 'confirmed' }, 2)).flat()).toEqual([]);
      expect((await listIds(tenantA, { customerId: 'c-b' }, 2)).flat()).toEqual([]);
    });

    it('keeps later pages stable while new orders arrive', async () => {
      // a tenant of its own, so that the orders it adds change no other test's answer
      const tenantC = randomUUID();
      isolations.set(tenantC, isolation);
      await provisionTenantStorage(url, tenantC, isolation);
      try {
        const own = Array.from({ length: 5 }, () => randomUUID());
        await store.applyBatch(
          tenantC,
          own.map((id, i) => created(id, 'c', times[i] as string)),
        );
        const expected = [own[4], own[3], ...[own[1], own[2]].sort().reverse(), own[0]];
        const first = await reader.listOrders(tenantC, { limit: 2 });
        expect(first.items.map((o) => o.id)).toEqual(expected.slice(0, 2));
        // a new order, newer than everything, between the first and the second page
        const newer = randomUUID();
        await store.applyBatch(tenantC, [created(newer, 'c', '2026-11-30T13:00:00.000Z')]);
        const second = await reader.listOrders(tenantC, {
          limit: 2,
          ...(first.next && { after: first.next }),
        });
        expect(second.items.map((o) => o.id)).toEqual(expected.slice(2, 4));
        // two more before the third page: one newer still, one at the very instant of an order already shown
        await store.applyBatch(tenantC, [
          created(randomUUID(), 'c', '2026-11-30T14:00:00.000Z'),
          created(randomUUID(), 'c', times[4] as string),
        ]);
        const third = await reader.listOrders(tenantC, {
          limit: 2,
          ...(second.next && { after: second.next }),
        });
        expect(third.items.map((o) => o.id)).toEqual(expected.slice(4));
        expect(third.next).toBeUndefined();
        // from the top again, the new orders are there
        expect((await reader.listOrders(tenantC, { limit: 100 })).items).toHaveLength(8);
      } finally {
        await deprovisionTenantStorage(url, tenantC, isolation);
      }
    });

    it("shows B only B's orders, under the same ids", async () => {
      const all = await reader.listOrders(tenantB, { limit: 100 });
      expect(all.items.map((o) => o.id)).toEqual([o5, o4, ...[o2, o3].sort().reverse(), o1]);
      expect(new Set(all.items.map((o) => o.customerId))).toEqual(new Set(['c-b']));
      expect(all.items.find((o) => o.id === o1)).toMatchObject({ totalAmount: '7.00' });
    });

    it('summarizes the orders created in whole hours, per currency, from the summary rows', async () => {
      const day = await reader.summarize(tenantA, {
        from: '2026-11-30T00:00:00.000Z',
        to: '2026-12-01T00:00:00.000Z',
      });
      // o1 25.50 EUR, o2 16.50 EUR, o3 empty, o4 100.00 USD, o5 10.00 EUR
      expect(day).toEqual({
        totalOrders: 5,
        totalRevenue: [
          { currency: 'EUR', amount: '52.00', orders: 3 },
          { currency: 'USD', amount: '100.00', orders: 1 },
        ],
        averageOrderValue: [
          { currency: 'EUR', amount: '17.3333' },
          { currency: 'USD', amount: '100.00' },
        ],
        topProducts: [
          { sku: 'SKU-2', quantity: 4, revenue: [{ currency: 'EUR', amount: '22.00' }] },
          { sku: 'SKU-1', quantity: 3, revenue: [{ currency: 'EUR', amount: '30.00' }] },
          { sku: 'SKU-3', quantity: 1, revenue: [{ currency: 'USD', amount: '100.00' }] },
        ],
      });

      // [10:00, 11:00): o1, o2, o3 (its lines count in the hour the order was created)
      expect(
        await reader.summarize(tenantA, { from: '2026-11-30T10:00:00.000Z', to: '2026-11-30T11:00:00.000Z' }),
      ).toEqual({
        totalOrders: 3,
        totalRevenue: [{ currency: 'EUR', amount: '42.00', orders: 2 }],
        averageOrderValue: [{ currency: 'EUR', amount: '21.00' }],
        topProducts: [
          { sku: 'SKU-2', quantity: 4, revenue: [{ currency: 'EUR', amount: '22.00' }] },
          { sku: 'SKU-1', quantity: 2, revenue: [{ currency: 'EUR', amount: '20.00' }] },
        ],
      });
      // an empty range
      expect(
        await reader.summarize(tenantA, { from: '2026-11-29T00:00:00.000Z', to: '2026-11-30T00:00:00.000Z' }),
      ).toEqual({ totalOrders: 0, totalRevenue: [], averageOrderValue: [], topProducts: [] });
    });

    it("summarizes B's orders only, with the same skus", async () => {
      const range = { from: '2026-11-30T00:00:00.000Z', to: '2026-12-02T00:00:00.000Z' };
      expect(await reader.summarize(tenantB, range)).toEqual({
        totalOrders: 5,
        totalRevenue: [{ currency: 'EUR', amount: '7.00', orders: 1 }],
        averageOrderValue: [{ currency: 'EUR', amount: '7.00' }],
        topProducts: [{ sku: 'SKU-1', quantity: 7, revenue: [{ currency: 'EUR', amount: '7.00' }] }],
      });
    });

    it('counts a redelivered batch once', async () => {
      const range = { from: '2026-12-02T00:00:00.000Z', to: '2026-12-03T00:00:00.000Z' };
      const order = randomUUID();
      const batch = [created(order, 'c-r', '2026-12-02T08:00:00.000Z'), added(order, 2, 'SKU-9', 2, '1.25')];
      await store.applyBatch(tenantB, batch);
      await store.applyBatch(tenantB, batch);
      expect(await reader.summarize(tenantB, range)).toEqual({
        totalOrders: 1,
        totalRevenue: [{ currency: 'EUR', amount: '2.50', orders: 1 }],
        averageOrderValue: [{ currency: 'EUR', amount: '2.50' }],
        topProducts: [{ sku: 'SKU-9', quantity: 2, revenue: [{ currency: 'EUR', amount: '2.50' }] }],
      });
    });
  },
);

describe('row-level security on the summary tables of the shared schema', () => {
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  const sources = new TenantDataSources(createReadModelDataSource(url, 2), url);
  const store = new OrderViewStore(sources, () => 'shared', new SeenPositions(sources.main));
  const pool = new RlsTenantPool(url, 2);

  beforeAll(async () => {
    await sources.main.initialize();
    await provisionTenantStorage(url, tenantA, 'shared');
    const order = randomUUID();
    await store.applyBatch(tenantA, [
      created(order, 'c-a', '2026-11-30T10:00:00.000Z'),
      added(order, 2, 'SKU-1', 1, '1.00'),
    ]);
  }, 30_000);

  afterAll(async () => {
    await pool.end();
    await deprovisionTenantStorage(url, tenantA, 'shared');
    await sources.close();
  }, 30_000);

  it.each(['order_totals_hourly', 'order_sku_totals_hourly'])(
    "hides A's rows of %s from B even without a tenant filter",
    async (table) => {
      const all = { text: `SELECT DISTINCT tenant_id FROM "${SHARED_SCHEMA}".${table}` };
      expect(await pool.query(tenantB, all)).toEqual([]);
      expect(await pool.query(tenantA, all)).toEqual([{ tenant_id: tenantA }]);
    },
  );

  it("purges the tenant's summary rows with its storage", async () => {
    const other = randomUUID();
    await provisionTenantStorage(url, other, 'shared');
    const order = randomUUID();
    await store.applyBatch(other, [
      created(order, 'c', '2026-11-30T10:00:00.000Z'),
      added(order, 2, 'S', 1, '1.00'),
    ]);
    await deprovisionTenantStorage(url, other, 'shared');
    for (const table of ['order_totals_hourly', 'order_sku_totals_hourly']) {
      const rows: unknown[] = await sources.main.query(
        `SELECT 1 FROM "${SHARED_SCHEMA}".${table} WHERE tenant_id = $1`,
        [other],
      );
      expect(rows).toEqual([]);
    }
  });
});
