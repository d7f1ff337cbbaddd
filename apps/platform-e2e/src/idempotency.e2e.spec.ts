import { eventually, uniqueSuffix } from '@platform/testing';
import { api, expectProblem, type ApiRequest, type ApiResponse } from './http-client';
import { createActiveTenant as createTenantActive } from './tenants';
import { startPlatform, stopCleanly, type Platform } from './platform.fixture';

interface AuditBody {
  readonly records: readonly { readonly action: string; readonly target: string }[];
}

/**
 * Contract §3: a write repeated with the same `Idempotency-Key` and body returns the first answer and
 * changes nothing, through either of two gateways (they share the records in PostgreSQL); the key
 * with another body is a 422; another tenant's key of the same name is its own. Data plane and the
 * forwarded control plane alike.
 */
describe('Idempotency-Key: one execution per key, across gateways and tenants', () => {
  let platform: Platform;
  let gateways: readonly [string, string];
  let admin: string;
  const suffix = uniqueSuffix();

  beforeAll(async () => {
    platform = await startPlatform(24_080, { gateways: 2 });
    const [first, second] = platform.gateways;
    if (!first || !second) throw new Error('two gateways expected');
    gateways = [first.url, second.url];
    admin = platform.token(['platform-admin'], [], 'e2e-idempotency-admin');
  }, 180_000);

  afterAll(async () => {
    await stopCleanly(platform);
  }, 60_000);

  const keyed = (key: string, request: ApiRequest): ApiRequest => ({
    ...request,
    headers: { 'idempotency-key': key },
  });

  const createActiveTenant = (name: string): Promise<string> =>
    createTenantActive({ via: gateways[0], readVia: gateways[1], admin, slug: `${name}-${suffix}` });

  const auditOf = async (tenantId: string): Promise<AuditBody> => {
    const response = await api(gateways[0], 'GET', `/v1/tenants/${tenantId}/audit`, { token: admin });
    expect(response.status).toBe(200);
    return response.body as unknown as AuditBody;
  };

  /** Sends until a gateway knows the tenant is active (it learns from tenants.lifecycle). */
  const untilServed = (gateway: string, path: string, request: ApiRequest, status: number) =>
    eventually(async () => {
      const response = await api(gateway, 'POST', path, request);
      expect(response.status).toBe(status);
      return response;
    });

  const replayed = (response: ApiResponse) => response.headers.get('idempotent-replayed');

  it('creates one order for a key sent twice through two gateways; another body is a 422', async () => {
    const [tenantA, tenantB] = await Promise.all([
      createActiveTenant('idem-a'),
      createActiveTenant('idem-b'),
    ]);
    const alice = platform.token(['member'], [tenantA], 'alice');
    const bob = platform.token(['member'], [tenantB], 'bob');
    const key = `create-order-${suffix}`;
    const order = { token: alice, body: { customerId: 'cust-1' } };

    // Retrying with the key until the gateway serves the tenant is safe: that is what keys are for.
    const created = await untilServed(gateways[0], '/v1/orders', keyed(key, order), 201);
    const repeated = await untilServed(
      gateways[1],
      '/v1/orders',
      keyed(key, { ...order, body: { customerId: 'cust-1' } }),
      201,
    );
    const orderId = String(created.body.orderId);
    expect(created.body).toEqual({ orderId: expect.any(String), version: 1, position: expect.any(Number) });
    expect(replayed(created)).toBeNull();
    expect(repeated.body).toEqual(created.body);
    expect(replayed(repeated)).toBe('true');
    expect(repeated.headers.get('location')).toBe(`/v1/orders/${orderId}`);
    expect(repeated.headers.get('content-type')).toBe(created.headers.get('content-type'));
    // The replay went through the rate limit first (counted, with headers of its own).
    expect(repeated.headers.get('ratelimit')).toMatch(/^"enterprise";r=\d+;t=\d+$/);

    // The same key with another body: refused, nothing created.
    expectProblem(
      await api(
        gateways[1],
        'POST',
        '/v1/orders',
        keyed(key, { token: alice, body: { customerId: 'cust-2' } }),
      ),
      422,
      'idempotency-key-reused',
    );

    // An item added with a key of its own, sent twice: one item, version 2 both times.
    const itemKey = `add-item-${suffix}`;
    const item = { sku: 'SKU-1', quantity: 3, unitPrice: { amount: '2.50', currency: 'EUR' } };
    const path = `/v1/orders/${orderId}/items`;
    const added = await api(gateways[0], 'POST', path, keyed(itemKey, { token: alice, body: item }));
    const addedAgain = await api(gateways[1], 'POST', path, keyed(itemKey, { token: alice, body: item }));
    expect([added.status, added.body.version, replayed(added)]).toEqual([200, 2, null]);
    expect([addedAgain.status, addedAgain.body, replayed(addedAgain)]).toEqual([200, added.body, 'true']);

    const read = await eventually(
      async () => {
        const response = await api(gateways[1], 'GET', `/v1/orders/${orderId}`, { token: alice });
        expect(response.body.version).toBe(2);
        return response;
      },
      { what: 'order projected to version 2' },
    );
    expect(read.body).toMatchObject({ customerId: 'cust-1', itemCount: 1, totalAmount: '7.50' });

    // Tenant B with the same key: its own new order, not A's answer.
    const other = await untilServed(gateways[1], '/v1/orders', keyed(key, { ...order, token: bob }), 201);
    expect(replayed(other)).toBeNull();
    expect(other.body.orderId).not.toBe(orderId);
    expect(
      (await api(gateways[0], 'GET', `/v1/orders/${String(other.body.orderId)}`, { token: alice })).status,
    ).toBe(404);

    // One command of each reached the command service: A's chain holds one record of each.
    const audit = await auditOf(tenantA);
    expect(audit.records.filter((r) => r.target === `order/${orderId}`).map((r) => r.action)).toEqual([
      'order.create',
      'order.add-item',
    ]);
    expect(audit.records.filter((r) => r.action === 'order.create')).toHaveLength(1);
    expect((await auditOf(tenantB)).records.filter((r) => r.action === 'order.create')).toHaveLength(1);

    // A malformed key is a 400, and no order.
    expectProblem(
      await api(gateways[0], 'POST', '/v1/orders', keyed('x'.repeat(256), order)),
      400,
      'validation',
    );
  });

  it('creates one tenant for a control-plane write sent twice with one key', async () => {
    const key = `create-tenant-${suffix}`;
    const slug = `idem-cp-${suffix}`;
    const request = keyed(key, { token: admin, body: { slug, name: slug, plan: 'standard' } });

    const first = await api(gateways[0], 'POST', '/v1/tenants', request);
    const again = await api(gateways[1], 'POST', '/v1/tenants', request);
    expect(first.status).toBe(202);
    expect(replayed(first)).toBeNull();
    expect([again.status, again.body, replayed(again)]).toEqual([202, first.body, 'true']);

    // Without the key the same request is a new one: refused, the slug is taken by the one tenant.
    expectProblem(
      await api(gateways[1], 'POST', '/v1/tenants', {
        token: admin,
        body: { slug, name: slug, plan: 'standard' },
      }),
      409,
    );
    const id = String(first.body.id);
    const audit = await eventually(
      async () => {
        const chain = await auditOf(id);
        expect(chain.records.map((r) => r.action)).toContain('tenant.activate');
        return chain;
      },
      { what: 'the tenant activated' },
    );
    expect(audit.records.filter((r) => r.action === 'tenant.create')).toHaveLength(1);
  });
  it('changes nothing more when a request that timed out (504) is retried with its key', async () => {
    const tenant = await createActiveTenant('idem-timeout');
    const carol = platform.token(['member'], [tenant], 'carol');
    const existing = await untilServed(
      gateways[0],
      '/v1/orders',
      { token: carol, body: { customerId: 'c' } },
      201,
    );
    const orderId = String(existing.body.orderId);
    const item = { sku: 'SKU-9', quantity: 2, unitPrice: { amount: '1.25', currency: 'EUR' } };
    const addItem = keyed(`timeout-item-${suffix}`, { token: carol, body: item });
    const create = keyed(`timeout-create-${suffix}`, { token: carol, body: { customerId: 'c2' } });
    const [commandService] = platform.commandServices;
    if (!commandService) throw new Error('a command service expected');

    // The command service stands still: both commands wait in Kafka, the gateway gives up (504)
    // and gives the keys back. The commands are carried out once it goes on.
    commandService.process.kill('SIGSTOP');
    let timedOut: readonly ApiResponse[];
    try {
      timedOut = await Promise.all([
        api(gateways[0], 'POST', `/v1/orders/${orderId}/items`, addItem),
        api(gateways[0], 'POST', '/v1/orders', create),
      ]);
    } finally {
      commandService.process.kill('SIGCONT');
    }
    for (const response of timedOut) expectProblem(response, 504);

    // The retries (through the other gateway) name the same commands: answered as they were
    // carried out, not carried out again.
    const added = await api(gateways[1], 'POST', `/v1/orders/${orderId}/items`, addItem);
    const created = await api(gateways[1], 'POST', '/v1/orders', create);
    expect([added.status, added.body.version, replayed(added)]).toEqual([200, 2, null]);
    expect([created.status, created.body.version, replayed(created)]).toEqual([201, 1, null]);
    // From now on the key replays that answer.
    const again = await api(gateways[0], 'POST', '/v1/orders', create);
    expect([again.status, again.body, replayed(again)]).toEqual([201, created.body, 'true']);

    const read = await eventually(
      async () => {
        const response = await api(gateways[1], 'GET', `/v1/orders/${orderId}`, { token: carol });
        expect(response.body.version).toBe(2);
        return response;
      },
      { what: 'order projected to version 2' },
    );
    expect(read.body).toMatchObject({ itemCount: 1, totalAmount: '2.50', items: [expect.anything()] });
    // One record per command carried out (the two partitions may be read in either order).
    const actions = (await auditOf(tenant)).records
      .map((r) => r.action)
      .filter((a) => a.startsWith('order.'));
    expect(actions.sort()).toEqual(['order.add-item', 'order.create', 'order.create']);
  }, 120_000);
});
