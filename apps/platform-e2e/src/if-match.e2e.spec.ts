import { eventually, uniqueSuffix } from '@platform/testing';
import { expectProblem, type ApiResponse } from './http-client';
import { createActiveTenant as createTenantActive } from './tenants';
import { startPlatform, stopCleanly, type Platform } from './platform.fixture';

/** A request with headers of its own (`If-Match`, `If-None-Match`), answered like `api()`. */
async function call(
  baseUrl: string,
  method: string,
  path: string,
  request: { token: string; body?: unknown; headers?: Record<string, string> },
): Promise<ApiResponse> {
  const headers: Record<string, string> = { authorization: `Bearer ${request.token}`, ...request.headers };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
  });
  const text = await response.text();
  const body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  return { status: response.status, headers: response.headers, body, text };
}

/**
 * Contract §3 and §5: commands take `If-Match: "<version>"`, a stale version is a 412
 * `version-mismatch`, and orders and tenants answer with `ETag: "<version>"` (ADR 0011).
 */
describe('If-Match: optimistic concurrency over HTTP', () => {
  let platform: Platform;
  let gw: string;
  let admin: string;
  const suffix = uniqueSuffix();
  const item = { sku: 'SKU-1', quantity: 1, unitPrice: { amount: '5.00', currency: 'EUR' } };

  beforeAll(async () => {
    platform = await startPlatform(25_080);
    gw = platform.gateways[0]?.url ?? '';
    admin = platform.token(['platform-admin'], [], 'e2e-if-match-admin');
  }, 180_000);

  afterAll(async () => {
    await stopCleanly(platform);
  }, 60_000);

  const createActiveTenant = (name: string): Promise<string> =>
    createTenantActive({ via: gw, admin, slug: `${name}-${suffix}` });

  it('adds an item at the current version, refuses a stale one with 412, and records the refusal', async () => {
    const tenantId = await createActiveTenant('im-orders');
    const member = platform.token(['member'], [tenantId], 'e2e-if-match-member');
    const created = await eventually(async () => {
      const response = await call(gw, 'POST', '/v1/orders', { token: member, body: { customerId: 'c-1' } });
      expect(response.status).toBe(201);
      return response;
    });
    expect(created.headers.get('etag')).toBe('"1"');
    const orderId = String(created.body.orderId);

    // The read model answers with the order's version as its ETag, and 304 for that ETag.
    const read = await eventually(
      async () => {
        const response = await call(gw, 'GET', `/v1/orders/${orderId}`, { token: member });
        expect(response.status).toBe(200);
        return response;
      },
      { what: 'order projected' },
    );
    const etag = read.headers.get('etag');
    expect(etag).toBe(`"${String(read.body.version)}"`);
    expect(etag).toBe('"1"');
    const notModified = await call(gw, 'GET', `/v1/orders/${orderId}`, {
      token: member,
      headers: { 'if-none-match': etag ?? '' },
    });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('etag')).toBe('"1"');

    const added = await call(gw, 'POST', `/v1/orders/${orderId}/items`, {
      token: member,
      body: item,
      headers: { 'if-match': etag ?? '' },
    });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ version: 2 });
    expect(added.headers.get('etag')).toBe('"2"');

    const stale = await call(gw, 'POST', `/v1/orders/${orderId}/items`, {
      token: member,
      body: item,
      headers: { 'if-match': '"1"' },
    });
    expectProblem(stale, 412, 'version-mismatch');
    expect(stale.body.detail).toMatch(/version 2/);

    // A list holds when one of its tags is the current version; `*` when the order exists.
    const listed = await call(gw, 'POST', `/v1/orders/${orderId}/items`, {
      token: member,
      body: item,
      headers: { 'if-match': '"1", "2"' },
    });
    expect(listed.status).toBe(200);
    const any = await call(gw, 'POST', `/v1/orders/${orderId}/items`, {
      token: member,
      body: item,
      headers: { 'if-match': '*' },
    });
    expect(any.body).toMatchObject({ version: 4 });

    const malformed = await call(gw, 'POST', `/v1/orders/${orderId}/items`, {
      token: member,
      body: item,
      headers: { 'if-match': '4' },
    });
    expectProblem(malformed, 400, 'validation');
    expect(malformed.body.errors).toEqual([{ path: '/headers/if-match', message: expect.any(String) }]);

    // The refusal is on the tenant's audit chain like any other.
    const audit = await call(gw, 'GET', `/v1/tenants/${tenantId}/audit`, { token: admin });
    const records = audit.body.records as { action: string; target: string; newState: unknown }[];
    expect(records.filter((r) => r.target === `order/${orderId}`).map((r) => r.action)).toEqual([
      'order.create',
      'order.add-item',
      'order.add-item.refused',
      'order.add-item',
      'order.add-item',
    ]);
    expect(records.find((r) => r.action === 'order.add-item.refused')?.newState).toMatchObject({
      refusal: { kind: 'versionMismatch', code: 'version-mismatch' },
    });
  });

  it('creates an order whatever entity tag If-Match names, but never with If-Match: *', async () => {
    const tenantId = await createActiveTenant('im-create');
    const member = platform.token(['member'], [tenantId]);
    await eventually(async () => {
      const warm = await call(gw, 'POST', '/v1/orders', { token: member, body: { customerId: 'warm' } });
      expect(warm.status).toBe(201);
    });

    const tagged = await call(gw, 'POST', '/v1/orders', {
      token: member,
      body: { customerId: 'c-2' },
      headers: { 'if-match': '"7"' },
    });
    const star = await call(gw, 'POST', '/v1/orders', {
      token: member,
      body: { customerId: 'c-3' },
      headers: { 'if-match': '*' },
    });

    expect(tagged.status).toBe(201);
    expectProblem(star, 412, 'version-mismatch');
  });

  it('changes a tenant only at the version If-Match names, and answers with its ETag', async () => {
    const tenantId = await createActiveTenant('im-tenant');
    const tenant = await call(gw, 'GET', `/v1/tenants/${tenantId}`, { token: admin });
    const version = Number(tenant.body.version);
    expect(tenant.headers.get('etag')).toBe(`"${version}"`);

    const stale = await call(gw, 'PATCH', `/v1/tenants/${tenantId}`, {
      token: admin,
      body: { plan: 'standard' },
      headers: { 'if-match': `"${version - 1}"` },
    });
    expectProblem(stale, 412, 'version-mismatch');
    expect((await call(gw, 'GET', `/v1/tenants/${tenantId}`, { token: admin })).body.plan).toBe('enterprise');

    const current = await call(gw, 'PATCH', `/v1/tenants/${tenantId}`, {
      token: admin,
      body: { plan: 'standard' },
      headers: { 'if-match': `"${version}"` },
    });
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({ plan: 'standard', version: version + 1 });
    expect(current.headers.get('etag')).toBe(`"${version + 1}"`);

    // Lifecycle transitions too; a malformed If-Match is a 400 from the registry.
    expectProblem(
      await call(gw, 'POST', `/v1/tenants/${tenantId}/suspend`, {
        token: admin,
        body: {},
        headers: { 'if-match': `"${version}"` },
      }),
      412,
      'version-mismatch',
    );
    expectProblem(
      await call(gw, 'POST', `/v1/tenants/${tenantId}/suspend`, {
        token: admin,
        body: {},
        headers: { 'if-match': 'W/' },
      }),
      400,
      'validation',
    );
    const suspended = await call(gw, 'POST', `/v1/tenants/${tenantId}/suspend`, {
      token: admin,
      body: {},
      headers: { 'if-match': `"${version + 1}"` },
    });
    expect(suspended.status).toBe(200);
    expect(suspended.headers.get('etag')).toBe(`"${version + 2}"`);
  });
});
