import { randomUUID } from 'node:crypto';
import type { InventoryEvent, TenantIsolation } from '@platform/contracts';
import { testInfra } from '@platform/testing';
import { createReadModelDataSource } from '../data-source';
import { deprovisionTenantStorage, provisionTenantStorage } from '../provisioning';
import { SeenPositions } from '../seen-positions';
import { TenantDataSources } from '../tenant-data-sources';
import { ProductViewStore, type ProductEventToApply } from './product-view.store';

const url = testInfra.databaseUrl;
const modes: TenantIsolation[] = ['schema', 'shared', 'dedicated'];
const ORDER = randomUUID();

const event = (e: InventoryEvent, version: number, position: number): ProductEventToApply => ({
  eventId: randomUUID(),
  event: e,
  occurredAt: '2026-01-20T10:00:00.000Z',
  version,
  position,
});

describe.each(modes)('product read model, isolation %s, on real PostgreSQL', (isolation) => {
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  const isolations = new Map<string, TenantIsolation>([
    [tenantA, isolation],
    [tenantB, isolation],
  ]);
  const sources = new TenantDataSources(createReadModelDataSource(url, 4), url);
  const positions = new SeenPositions(sources.main);
  const store = new ProductViewStore(sources, (tenantId) => isolations.get(tenantId), positions);

  beforeAll(async () => {
    await sources.main.initialize();
    await positions.migrate();
    await Promise.all([
      provisionTenantStorage(url, tenantA, isolation),
      provisionTenantStorage(url, tenantB, isolation),
    ]);
  }, 30_000);

  afterAll(async () => {
    await sources.close();
    for (const tenant of [tenantA, tenantB]) await deprovisionTenantStorage(url, tenant, isolation);
  }, 30_000);

  it('applies a batch once per event id, keeps the same sku of two tenants apart, and records positions', async () => {
    const created = event(
      { type: 'ProductCreated', data: { sku: 'SKU-1', name: 'Widget', stock: 5 } },
      1,
      10,
    );
    const reserved = event(
      { type: 'StockReserved', data: { sku: 'SKU-1', orderId: ORDER, quantity: 2 } },
      2,
      11,
    );
    expect(await store.applyBatch(tenantA, [created, reserved, reserved])).toEqual([
      'applied',
      'applied',
      'duplicate',
    ]);
    expect(await store.applyBatch(tenantA, [reserved])).toEqual(['duplicate']);
    expect(await store.findProduct(tenantA, 'SKU-1')).toMatchObject({
      sku: 'SKU-1',
      name: 'Widget',
      available: 3,
      reserved: 2,
      version: 2,
      lastPosition: 11,
    });
    expect(await positions.waitUntilSeen(tenantA, 11, 0)).toBe(true);

    expect(await store.findProduct(tenantB, 'SKU-1')).toBeUndefined();
    await store.applyBatch(tenantB, [
      event({ type: 'ProductCreated', data: { sku: 'SKU-1', name: 'B', stock: 1 } }, 1, 12),
    ]);
    expect(await store.findProduct(tenantB, 'SKU-1')).toMatchObject({ name: 'B', available: 1, reserved: 0 });
    expect(await store.findProduct(tenantA, 'SKU-1')).toMatchObject({ name: 'Widget', available: 3 });
  });

  it("purges a tenant's products with its storage", async () => {
    const other = randomUUID();
    isolations.set(other, isolation);
    await provisionTenantStorage(url, other, isolation);
    await store.applyBatch(other, [
      event({ type: 'ProductCreated', data: { sku: 'GONE', name: 'G', stock: 1 } }, 1, 20),
    ]);
    expect(await store.findProduct(other, 'GONE')).toBeDefined();
    await deprovisionTenantStorage(url, other, isolation);
    if (isolation === 'shared') expect(await store.findProduct(other, 'GONE')).toBeUndefined();
    else await expect(store.findProduct(other, 'GONE')).rejects.toThrow();
  });
});
