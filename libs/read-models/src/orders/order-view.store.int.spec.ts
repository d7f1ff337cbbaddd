import { randomUUID } from 'node:crypto';
import type { OrderEvent } from '@platform/contracts';
import { testInfra } from '@platform/testing';
import { createReadModelDataSource } from '../data-source';
import { provisionTenantSchema, tenantSchemaReady } from '../provisioning';
import { tenantSchema } from '../tenant-schema';
import { OrderViewStore } from './order-view.store';

describe('OrderViewStore in tenant schemas on real PostgreSQL', () => {
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  const dataSource = createReadModelDataSource(testInfra.databaseUrl, 4);
  const store = new OrderViewStore(dataSource);

  beforeAll(async () => {
    await dataSource.initialize();
    await Promise.all([
      provisionTenantSchema(testInfra.databaseUrl, tenantA),
      provisionTenantSchema(testInfra.databaseUrl, tenantB),
    ]);
  });

  afterAll(async () => {
    for (const tenant of [tenantA, tenantB])
      await dataSource.query(`DROP SCHEMA IF EXISTS "${tenantSchema(tenant)}" CASCADE`);
    await dataSource.destroy();
  });

  it('provisions idempotently: a second run changes nothing', async () => {
    expect(await tenantSchemaReady(dataSource, tenantA)).toBe(true);
    expect(await provisionTenantSchema(testInfra.databaseUrl, tenantA)).toEqual({
      schema: tenantSchema(tenantA),
      migrationsRun: [],
    });
  });

  it('applies events once per event id and keeps tenants apart', async () => {
    const orderId = randomUUID();
    const created: OrderEvent = { type: 'OrderCreated', data: { orderId, customerId: 'c-1' } };
    const added: OrderEvent = {
      type: 'OrderItemAdded',
      data: { orderId, sku: 'SKU-1', quantity: 3, unitPrice: { amount: '2.50', currency: 'EUR' } },
    };
    const createdId = randomUUID();
    const addedId = randomUUID();
    const now = new Date().toISOString();

    expect(
      await store.apply(tenantA, createdId, created, { occurredAt: now, version: 1, position: 10 }),
    ).toBe('applied');
    expect(await store.apply(tenantA, addedId, added, { occurredAt: now, version: 2, position: 11 })).toBe(
      'applied',
    );
    expect(await store.apply(tenantA, addedId, added, { occurredAt: now, version: 2, position: 11 })).toBe(
      'duplicate',
    );

    expect(await store.findOrder(tenantA, orderId)).toMatchObject({
      id: orderId,
      customerId: 'c-1',
      status: 'draft',
      totalAmount: '7.50',
      itemCount: 1,
      version: 2,
      lastPosition: 11,
      items: [{ sku: 'SKU-1', quantity: 3, unitPrice: { amount: '2.50', currency: 'EUR' } }],
    });
    // Tenant B does not see tenant A's order, and its own schema is untouched.
    expect(await store.findOrder(tenantB, orderId)).toBeUndefined();
    // The same event id is independent per tenant: B can apply its own order with it.
    expect(
      await store.apply(tenantB, createdId, created, { occurredAt: now, version: 1, position: 12 }),
    ).toBe('applied');
    expect((await store.findOrder(tenantB, orderId))?.totalAmount).toBe('0.00');
  });
});
