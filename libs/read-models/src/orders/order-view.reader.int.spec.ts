import { randomUUID } from 'node:crypto';
import type { OrderEvent, TenantIsolation } from '@platform/contracts';
import { testInfra } from '@platform/testing';
import { createReadModelDataSource } from '../data-source';
import { deprovisionTenantStorage, provisionTenantStorage } from '../provisioning';
import { RlsTenantPool } from '../rls-tenant-pool';
import { TenantDataSources } from '../tenant-data-sources';
import { SeenPositions } from '../seen-positions';
import { RLS_ROLE, SHARED_SCHEMA } from '../tenant-storage';
import { OrderViewReader } from './order-view.reader';
import { OrderViewStore } from './order-view.store';

const url = testInfra.databaseUrl;

const created = (orderId: string, customerId: string): OrderEvent => ({
  type: 'OrderCreated',
  data: { orderId, customerId },
});
const added = (orderId: string, quantity: number, amount: string): OrderEvent => ({
  type: 'OrderItemAdded',
  data: { orderId, sku: 'SKU-1', quantity, unitPrice: { amount, currency: 'EUR' } },
});
const at = (version: number, position: number, occurredAt = new Date().toISOString()) => ({
  occurredAt,
  version,
  position,
});

describe.each<TenantIsolation>(['shared', 'schema', 'dedicated'])(
  'OrderViewReader, isolation %s, on real PostgreSQL',
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
    const reader = new OrderViewReader(url, isolationOf, { poolSize: 4 });
    const onlyA = randomUUID();
    const inBoth = randomUUID();

    beforeAll(async () => {
      await sources.main.initialize();
      await Promise.all([
        provisionTenantStorage(url, tenantA, isolation),
        provisionTenantStorage(url, tenantB, isolation),
      ]);
      // written by the projection's own path
      await store.apply(tenantA, randomUUID(), created(onlyA, 'c-a'), at(1, 10, '2026-11-30T10:00:00.000Z'));
      await store.apply(
        tenantA,
        randomUUID(),
        added(onlyA, 3, '2.50'),
        at(2, 11, '2026-11-30T10:00:01.250Z'),
      );
      await store.apply(tenantA, randomUUID(), created(inBoth, 'c-a'), at(1, 12));
      await store.apply(tenantB, randomUUID(), created(inBoth, 'c-b'), at(1, 13));
      await store.apply(tenantB, randomUUID(), added(inBoth, 1, '0.1234'), at(2, 14));
    }, 60_000);

    afterAll(async () => {
      await reader.close();
      await sources.close();
      for (const tenant of [tenantA, tenantB]) await deprovisionTenantStorage(url, tenant, isolation);
    }, 60_000);

    it('reads an order as the store wrote it', async () => {
      const expected = {
        id: onlyA,
        customerId: 'c-a',
        status: 'draft',
        items: [{ sku: 'SKU-1', quantity: 3, unitPrice: { amount: '2.50', currency: 'EUR' } }],
        totalAmount: '7.50',
        currency: 'EUR',
        itemCount: 1,
        createdAt: '2026-11-30T10:00:00.000Z',
        updatedAt: '2026-11-30T10:00:01.250Z',
        version: 2,
        lastPosition: 11,
      };
      expect(await reader.findOrder(tenantA, onlyA)).toEqual(expected);
      // the same answer as the TypeORM path it replaces
      expect(await store.findOrder(tenantA, onlyA)).toEqual(expected);
    });

    it("does not show another tenant's order: the same as an unknown one", async () => {
      expect(await reader.findOrder(tenantB, onlyA)).toBeUndefined();
      expect(await reader.findOrder(tenantB, randomUUID())).toBeUndefined();
    });

    it('keeps tenants apart under concurrent reads of the same order id', async () => {
      const reads = await Promise.all(
        Array.from({ length: 60 }, (_, i) => reader.findOrder(i % 2 === 0 ? tenantA : tenantB, inBoth)),
      );
      reads.forEach((order, i) =>
        expect(order).toMatchObject(
          i % 2 === 0
            ? { customerId: 'c-a', totalAmount: '0.00', currency: null, version: 1 }
            : { customerId: 'c-b', totalAmount: '0.1234', currency: 'EUR', version: 2 },
        ),
      );
    });

    it('refuses a tenant the directory does not know', async () => {
      await expect(reader.findOrder(randomUUID(), onlyA)).rejects.toThrow(/not known/);
    });
  },
);

describe('RlsTenantPool: row-level security applies to every read of the shared schema', () => {
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  const sources = new TenantDataSources(createReadModelDataSource(url, 2), url);
  const store = new OrderViewStore(sources, () => 'shared', new SeenPositions(sources.main));
  const pool = new RlsTenantPool(url, 2);
  const orderOfA = randomUUID();

  beforeAll(async () => {
    await sources.main.initialize();
    await provisionTenantStorage(url, tenantA, 'shared');
    await store.apply(tenantA, randomUUID(), created(orderOfA, 'c-a'), at(1, 1));
  }, 30_000);

  afterAll(async () => {
    await pool.end();
    await deprovisionTenantStorage(url, tenantA, 'shared');
    await sources.close();
  }, 30_000);

  it('runs as the RLS role, not as the tables owner', async () => {
    const rows = await pool.query<{ role: string }>(tenantB, { text: 'SELECT current_user AS role' });
    expect(rows).toEqual([{ role: RLS_ROLE }]);
  });

  it("hides A's order from B even when the query forgets the tenant filter", async () => {
    // deliberately wrong SQL: no tenant_id condition at all
    const byId = { text: `SELECT id FROM "${SHARED_SCHEMA}".orders WHERE id = $1`, values: [orderOfA] };
    expect(await pool.query(tenantB, byId)).toEqual([]);
    expect(await pool.query(tenantA, byId)).toEqual([{ id: orderOfA }]);
    const all = { text: `SELECT DISTINCT tenant_id FROM "${SHARED_SCHEMA}".orders` };
    expect(await pool.query(tenantB, all)).toEqual([]);
    expect(await pool.query(tenantA, all)).toEqual([{ tenant_id: tenantA }]);
  });

  it('sets the tenant for each query, never keeping the previous one', async () => {
    const byId = { text: `SELECT id FROM "${SHARED_SCHEMA}".orders WHERE id = $1`, values: [orderOfA] };
    // one connection alternating tenants: each read sees only its own tenant
    const single = new RlsTenantPool(url, 1);
    try {
      const reads = await Promise.all(
        Array.from({ length: 20 }, (_, i) => single.query(i % 2 === 0 ? tenantA : tenantB, byId)),
      );
      reads.forEach((rows, i) => expect(rows).toHaveLength(i % 2 === 0 ? 1 : 0));
    } finally {
      await single.end();
    }
  });
});
