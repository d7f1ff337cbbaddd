import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { ParkedEvents, tenantStorageReady } from '@platform/read-models';
import {
  eventually,
  startService,
  testInfra,
  uniqueSuffix,
  waitReady,
  withTestClient,
  type RunningService,
} from '@platform/testing';
import { api } from './http-client';
import { startPlatform, stopCleanly, type Platform } from './platform.fixture';
import { createActiveTenant } from './tenants';

interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
}

/**
 * Data ownership (ADR 0031) on the whole platform: the projection service and the saga service
 * provision and purge their own per-tenant storage when they see the tenant's lifecycle, and report
 * on `tenants.storage`; the registry activates a tenant once every owner reported it provisioned and
 * records its deletion once every owner reported it purged, its conditions naming who is pending.
 * An owner that is down holds the tenant back, and catches up from its consumer group when it returns.
 */
describe('each service owns its per-tenant storage', () => {
  let platform: Platform;
  let gw: string;
  let admin: string;
  const restarted: RunningService[] = [];
  const suffix = uniqueSuffix();
  const pool = new Pool({ connectionString: testInfra.databaseUrl, max: 2 });
  const parked = new ParkedEvents(pool);

  beforeAll(async () => {
    platform = await startPlatform(15_080, { extraEnv: { RECONCILE_INTERVAL_MS: '250' } });
    gw = platform.gateways[0]?.url ?? '';
    admin = platform.token(['platform-admin'], [], 'e2e-own-admin');
  }, 180_000);

  afterAll(async () => {
    for (const service of restarted) expect(await service.stop()).toBe(0);
    await pool.end();
    await stopCleanly(platform);
  }, 60_000);

  const serviceOf = (kind: 'saga' | 'projection'): RunningService => {
    const found = platform.services.find((service) => service.name.endsWith(`-${kind}`));
    if (!found) throw new Error(`no ${kind} service`);
    return found;
  };
  const restart = async (service: RunningService, kind: string): Promise<void> => {
    const again = startService(kind, service.name, service.port, { ...platform.env });
    restarted.push(again);
    await waitReady(again, 120_000);
  };
  const tenantOf = async (id: string) =>
    (await api(gw, 'GET', `/v1/tenants/${id}`, { token: admin })).body as {
      status: string;
      conditions: Condition[];
    };
  const conditionOf = (tenant: { conditions: Condition[] }, type: string) =>
    tenant.conditions.find((condition) => condition.type === type);
  const sagaRows = (tenantId: string) =>
    withTestClient(async (client) => {
      const counts: Record<string, number> = {};
      for (const table of ['fulfilments', 'outbox', 'timers', 'processed_inputs']) {
        const { rows } = await client.query<{ n: string }>(
          `select count(*) as n from saga.${table} where tenant_id = $1`,
          [tenantId],
        );
        counts[table] = Number(rows[0]?.n ?? 0);
      }
      return counts;
    });
  const parkedOf = async (tenantId: string) => (await parked.list({ tenantId, limit: 10 })).length;

  /** A product, and an order of it confirmed and fulfilled (the saga keeps its state). */
  async function fulfilledOrder(tenantId: string, sku: string): Promise<string> {
    const token = platform.token(['member'], [tenantId], 'e2e-own-member');
    await eventually(async () => {
      const response = await api(gw, 'POST', '/v1/products', {
        token,
        body: { sku, name: 'Widget', stock: 5 },
      });
      expect(response.status).toBe(201);
    });
    const created = await api(gw, 'POST', '/v1/orders', { token, body: { customerId: 'c-1' } });
    expect(created.status).toBe(201);
    const orderId = String(created.body.orderId);
    const added = await api(gw, 'POST', `/v1/orders/${orderId}/items`, {
      token,
      body: { sku, quantity: 1, unitPrice: { amount: '4.00', currency: 'EUR' } },
    });
    expect(added.status).toBe(200);
    const confirmed = await api(gw, 'POST', `/v1/orders/${orderId}/confirm`, {
      token,
      body: { paymentToken: 'tok_visa' },
    });
    expect(confirmed.status).toBe(202);
    await eventually(
      async () =>
        expect((await api(gw, 'GET', `/v1/orders/${orderId}`, { token })).body.status).toBe('shipped'),
      { what: `order ${orderId} shipped`, timeoutMs: 30_000 },
    );
    return orderId;
  }

  async function parkOne(tenantId: string): Promise<void> {
    await parked.parkFailed(
      {
        tenantId,
        aggregateId: randomUUID(),
        eventId: randomUUID(),
        type: 'orders.OrderItemAdded',
        topic: `${platform.env.KAFKA_TOPIC_PREFIX ?? ''}orders.events`,
        partition: 0,
        offset: '0',
        attributes: {},
        value: {},
      },
      'e2e: a poison message',
      3,
    );
  }

  it('activates only after every owner reported, deletes only after every owner purged; another tenant keeps its data', async () => {
    // The saga service is down: the tenant waits for it, and says so.
    const saga = serviceOf('saga');
    expect(await saga.stop()).toBe(0);
    const slug = `own-a-${suffix}`;
    const created = await api(gw, 'POST', '/v1/tenants', {
      token: admin,
      body: { slug, name: slug, plan: 'enterprise', isolation: 'schema' },
    });
    expect(created.status).toBe(202);
    const a = String(created.body.id);
    await eventually(
      async () => {
        const tenant = await tenantOf(a);
        expect(conditionOf(tenant, 'Storage/projection-service')).toMatchObject({ status: 'True' });
        expect(conditionOf(tenant, 'Storage/saga-service')).toMatchObject({
          status: 'Unknown',
          reason: 'Pending',
        });
        expect(conditionOf(tenant, 'Provisioned')).toMatchObject({
          reason: 'WaitingForOwners',
          message: 'waiting for saga-service (done: projection-service)',
        });
      },
      { what: 'tenant A waiting for the saga service', timeoutMs: 30_000 },
    );
    expect((await tenantOf(a)).status).toBe('draft');
    expect(await tenantStorageReady(testInfra.databaseUrl, a, 'schema')).toBe(true);

    // It comes back, catches up from its consumer group, reports: the tenant is active.
    await restart(saga, 'saga-service');
    await eventually(async () => expect((await tenantOf(a)).status).toBe('active'), {
      what: 'tenant A active',
      timeoutMs: 30_000,
    });
    expect(conditionOf(await tenantOf(a), 'Storage/saga-service')).toMatchObject({ status: 'True' });

    // Two tenants with data in every owner: read models (products, orders), saga state, parked messages.
    const b = await createActiveTenant({ via: gw, admin, slug: `own-b-${suffix}`, isolation: 'shared' });
    const sku = `OWN-${suffix}`.toUpperCase();
    const orderB = await fulfilledOrder(b, sku);
    await fulfilledOrder(a, sku);
    for (const tenantId of [a, b]) {
      await parkOne(tenantId);
      expect((await sagaRows(tenantId)).fulfilments).toBe(1);
    }

    // The projection service is down: the deletion waits for it (the saga service purged already).
    const projection = serviceOf('projection');
    expect(await projection.stop()).toBe(0);
    expect((await api(gw, 'POST', `/v1/tenants/${a}/archive`, { token: admin })).status).toBe(200);
    expect((await api(gw, 'DELETE', `/v1/tenants/${a}`, { token: admin })).status).toBe(202);
    await eventually(
      async () => {
        const tenant = await tenantOf(a);
        expect(conditionOf(tenant, 'Storage/saga-service')).toMatchObject({ reason: 'Purged' });
        expect(conditionOf(tenant, 'Storage/projection-service')).toMatchObject({ reason: 'PurgePending' });
        expect(conditionOf(tenant, 'Deleting')).toMatchObject({
          reason: 'WaitingForOwners',
          message: 'waiting for projection-service (done: saga-service)',
        });
      },
      { what: 'the deletion of A waiting for the projection service', timeoutMs: 30_000 },
    );
    expect((await tenantOf(a)).status).toBe('archived');
    expect(await sagaRows(a)).toEqual({ fulfilments: 0, outbox: 0, timers: 0, processed_inputs: 0 });
    expect(await parkedOf(a)).toBe(1);

    await restart(projection, 'projection-service');
    await eventually(async () => expect((await tenantOf(a)).status).toBe('deleted'), {
      what: 'tenant A deleted',
      timeoutMs: 60_000,
    });
    expect(conditionOf(await tenantOf(a), 'Deleting')).toMatchObject({ status: 'True', reason: 'Purged' });

    // A's data is gone from every owner ...
    expect(await tenantStorageReady(testInfra.databaseUrl, a, 'schema')).toBe(false);
    expect(await parkedOf(a)).toBe(0);
    expect(await sagaRows(a)).toEqual({ fulfilments: 0, outbox: 0, timers: 0, processed_inputs: 0 });
    // ... and B still has all of its own.
    const tokenB = platform.token(['member'], [b], 'e2e-own-member');
    expect((await api(gw, 'GET', `/v1/products/${sku}`, { token: tokenB })).status).toBe(200);
    expect((await api(gw, 'GET', `/v1/orders/${orderB}`, { token: tokenB })).body).toMatchObject({
      status: 'shipped',
    });
    expect((await sagaRows(b)).fulfilments).toBe(1);
    expect(await parkedOf(b)).toBe(1);
    await parked.purgeTenant(b);
  }, 300_000);
});
