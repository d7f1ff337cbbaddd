import { randomUUID } from 'node:crypto';
import type { OrderEvent, TenantIsolation } from '@platform/contracts';
import { testInfra } from '@platform/testing';
import { createReadModelDataSource } from '../data-source';
import {
  deprovisionTenantStorage,
  provisionTenantStorage,
  tenantStorageBytes,
  ReadModelStorageMeter,
  tenantStorageReady,
} from '../provisioning';
import { TenantDataSources } from '../tenant-data-sources';
import { RLS_ROLE, SHARED_SCHEMA, storageOf } from '../tenant-storage';
import { SeenPositions } from '../seen-positions';
import { OrderViewStore, scopeToTenant } from './order-view.store';

const url = testInfra.databaseUrl;
const modes: TenantIsolation[] = ['schema', 'shared', 'dedicated'];

const created = (orderId: string): OrderEvent => ({
  type: 'OrderCreated',
  data: { orderId, customerId: 'c-1' },
});
const added = (orderId: string): OrderEvent => ({
  type: 'OrderItemAdded',
  data: { orderId, sku: 'SKU-1', quantity: 3, unitPrice: { amount: '2.50', currency: 'EUR' } },
});
const at = (version: number, position: number) => ({
  occurredAt: new Date().toISOString(),
  version,
  position,
});

describe.each(modes)('order read model, isolation %s, on real PostgreSQL', (isolation) => {
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  const isolations = new Map<string, TenantIsolation>([
    [tenantA, isolation],
    [tenantB, isolation],
  ]);
  const sources = new TenantDataSources(createReadModelDataSource(url, 4), url);
  const store = new OrderViewStore(
    sources,
    (tenantId) => isolations.get(tenantId),
    new SeenPositions(sources.main),
  );

  beforeAll(async () => {
    await sources.main.initialize();
    await Promise.all([
      provisionTenantStorage(url, tenantA, isolation),
      provisionTenantStorage(url, tenantB, isolation),
    ]);
  }, 30_000);

  afterAll(async () => {
    await sources.close();
    for (const tenant of [tenantA, tenantB]) await deprovisionTenantStorage(url, tenant, isolation);
  }, 30_000);

  it('provisions idempotently', async () => {
    expect(await tenantStorageReady(url, tenantA, isolation)).toBe(true);
    expect((await provisionTenantStorage(url, tenantA, isolation)).migrationsRun).toEqual([]);
  });

  it('applies events once per event id and keeps tenants apart', async () => {
    const orderId = randomUUID();
    const createdId = randomUUID();
    const addedId = randomUUID();
    expect(await store.apply(tenantA, createdId, created(orderId), at(1, 10))).toBe('applied');
    expect(await store.apply(tenantA, addedId, added(orderId), at(2, 11))).toBe('applied');
    expect(await store.apply(tenantA, addedId, added(orderId), at(2, 11))).toBe('duplicate');
    expect(await store.findOrder(tenantA, orderId)).toMatchObject({
      id: orderId,
      totalAmount: '7.50',
      itemCount: 1,
      version: 2,
      lastPosition: 11,
      items: [{ sku: 'SKU-1', quantity: 3, unitPrice: { amount: '2.50', currency: 'EUR' } }],
    });
    // B does not see A's order; the same order and event ids in B are B's own.
    expect(await store.findOrder(tenantB, orderId)).toBeUndefined();
    expect(await store.apply(tenantB, createdId, created(orderId), at(1, 12))).toBe('applied');
    expect((await store.findOrder(tenantB, orderId))?.totalAmount).toBe('0.00');
    expect((await store.findOrder(tenantA, orderId))?.totalAmount).toBe('7.50');
  });

  it("measures a tenant's storage: more of its data takes more bytes", async () => {
    const before = await tenantStorageBytes(url, tenantA, isolation);
    const otherBefore = await tenantStorageBytes(url, tenantB, isolation);
    for (let i = 0; i < 200; i++) {
      await store.apply(tenantA, randomUUID(), created(randomUUID()), at(1, 1_000 + i));
    }

    const after = await tenantStorageBytes(url, tenantA, isolation);
    expect(after).toBeGreaterThan(before);
    // in the shared schema only the tenant's own rows count (elsewhere B's storage is its own)
    if (isolation === 'shared') expect(await tenantStorageBytes(url, tenantB, isolation)).toBe(otherBefore);

    // the meter that keeps its connection measures the same, tenant after tenant
    const meter = new ReadModelStorageMeter(url);
    try {
      expect(await meter.bytes(tenantA, isolation)).toBe(after);
      expect(await meter.bytes(tenantB, isolation)).toBe(await tenantStorageBytes(url, tenantB, isolation));
    } finally {
      await meter.close();
    }
  });

  it('refuses a tenant the directory does not know', async () => {
    await expect(store.findOrder(randomUUID(), randomUUID())).rejects.toThrow(/not known/);
  });

  it('deprovisions one tenant without touching the other', async () => {
    const other = randomUUID();
    isolations.set(other, isolation);
    await provisionTenantStorage(url, other, isolation);
    const kept = randomUUID();
    const gone = randomUUID();
    await store.apply(tenantA, randomUUID(), created(kept), at(1, 30));
    await store.apply(other, randomUUID(), created(gone), at(1, 31));
    const removed = await deprovisionTenantStorage(url, other, isolation);
    // shared: its order, its processed event and its summary row
    expect(removed.removed).toMatch(isolation === 'shared' ? /^3 rows$/ : /^(schema|database) tenant_/);
    await sources.release(removed.storage);
    expect(await tenantStorageReady(url, other, isolation)).toBe(isolation === 'shared');
    if (isolation === 'shared') expect(await store.findOrder(other, gone)).toBeUndefined();
    expect(await store.findOrder(tenantA, kept)).toBeDefined();
  });
});

describe('row-level security in the shared schema', () => {
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  const sources = new TenantDataSources(createReadModelDataSource(url, 2), url);
  const store = new OrderViewStore(sources, () => 'shared', new SeenPositions(sources.main));

  beforeAll(async () => {
    await sources.main.initialize();
    await provisionTenantStorage(url, tenantA, 'shared');
    await store.apply(tenantA, randomUUID(), created(randomUUID()), at(1, 1));
  });

  afterAll(async () => {
    await deprovisionTenantStorage(url, tenantA, 'shared');
    await sources.close();
  });

  async function countAs(tenantSetting: string | undefined): Promise<number> {
    return sources.main.transaction(async (manager) => {
      await manager.query(`SET LOCAL ROLE ${RLS_ROLE}`);
      if (tenantSetting !== undefined)
        await manager.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantSetting]);
      // No tenant_id filter on purpose: only the policy stands between the rows and the reader.
      const rows: { n: string }[] = await manager.query(
        `SELECT count(*) AS n FROM "${SHARED_SCHEMA}".orders`,
      );
      return Number(rows[0]?.n);
    });
  }

  it('shows a reader without a tenant setting nothing, and a tenant only its rows', async () => {
    expect(await countAs(undefined)).toBe(0);
    expect(await countAs(tenantB)).toBe(0);
    expect(await countAs(tenantA)).toBeGreaterThanOrEqual(1);
  });

  it('refuses to write a row for another tenant', async () => {
    await expect(
      sources.main.transaction(async (manager) => {
        await manager.query(`SET LOCAL ROLE ${RLS_ROLE}`);
        await manager.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantB]);
        await manager.query(
          `INSERT INTO "${SHARED_SCHEMA}".processed_events (tenant_id, event_id) VALUES ($1, $2)`,
          [tenantA, randomUUID()],
        );
      }),
    ).rejects.toThrow(/row-level security/);
  });

  it("scopes the store's own transactions: the policy's role, the tenant's setting", async () => {
    const seen = await sources.main.transaction(async (manager) => {
      await scopeToTenant(manager, tenantB, storageOf(tenantB, 'shared'));
      const rows: { who: string; n: string }[] = await manager.query(
        `SELECT current_user AS who, (SELECT count(*) FROM orders) AS n`,
      );
      return rows[0];
    });

    expect(seen).toEqual({ who: RLS_ROLE, n: '0' });
  });
});
