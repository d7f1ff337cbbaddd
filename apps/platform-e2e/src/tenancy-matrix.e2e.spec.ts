import { randomUUID } from 'node:crypto';
import { createSigner } from 'fast-jwt';
import { PUBLIC_ROUTES, type PublicRoute } from '@platform/contracts';
import { eventually, uniqueSuffix } from '@platform/testing';
import { api, type ApiResponse } from './http-client';
import { startPlatform, stopCleanly, type Platform } from './platform.fixture';

/**
 * Every public route × every way a caller can reach outside its tenant, generated from the route
 * table (`PUBLIC_ROUTES`, which tools/architecture keeps equal to the controllers): a new route is
 * in this matrix without anyone adding it here.
 */
type Case =
  'forged token' | 'no tenant' | 'tenant not in token' | "another tenant's resource" | 'suspended tenant';
const CASES: readonly Case[] = [
  'forged token',
  'no tenant',
  'tenant not in token',
  "another tenant's resource",
  'suspended tenant',
];

interface Expectation {
  readonly status: number | readonly number[];
  readonly type?: string;
}

/** What the contract says each cell answers. */
function expected(route: PublicRoute, kase: Case): Expectation {
  switch (kase) {
    case 'forged token':
      return { status: 401, type: 'unauthorized' };
    case 'no tenant':
      // A member whose token names no tenant: tenant routes have no tenant to act in; the control plane needs a role.
      return route.access.startsWith('tenant-') && route.access !== 'tenant-admin'
        ? { status: 403, type: 'tenant-forbidden' }
        : { status: 403 };
    case 'tenant not in token':
      return { status: 403 };
    case "another tenant's resource":
      // Inside its own tenant, B asks for A's resource: it does not exist for B. A route that names
      // no resource (creating or listing orders) simply acts in B's own tenant.
      if (route.access === 'tenant-read' || route.access === 'tenant-write') {
        if (route.path.includes('{')) return { status: 404, type: 'not-found' };
        return { status: route.method === 'POST' ? 201 : 200 };
      }
      return { status: 403 };
    case 'suspended tenant':
      if (route.access === 'tenant-write') return { status: 403, type: 'tenant-suspended' };
      if (route.access === 'tenant-read') return { status: 200 };
      // Administering keys and webhooks of a suspended tenant is allowed; the control plane is admin-only.
      return route.access === 'tenant-admin' ? { status: [200, 201, 202, 204, 404] } : { status: 403 };
  }
}

/** The sku of the product A and S have (and B has not). */
const MATRIX_SKU = `MX-${uniqueSuffix()}`;

describe('tenancy matrix: every route × every way out of a tenant', () => {
  let platform: Platform;
  let gw: string;
  const ids = { a: '', b: '', s: '', orderA: '', orderS: '' };
  const slug = { a: '', b: '', s: '' };
  let tokens: Record<
    'admin' | 'aMember' | 'bMember' | 'bAdmin' | 'sMember' | 'sAdmin' | 'noTenant' | 'forged',
    string
  >;

  beforeAll(async () => {
    platform = await startPlatform(20_080);
    gw = platform.gateways[0]?.url ?? '';
    const admin = platform.sign({ sub: 'matrix-admin', roles: ['platform-admin'] });
    const suffix = uniqueSuffix();
    const create = async (name: string): Promise<[string, string]> => {
      const s = `${name}-${suffix}`;
      // Enterprise: the matrix sends each tenant more requests per second than a free plan allows.
      const created = await api(gw, 'POST', '/v1/tenants', {
        token: admin,
        body: { slug: s, name: s, plan: 'enterprise' },
      });
      expect(created.status).toBe(202);
      const id = String(created.body.id);
      await eventually(async () =>
        expect((await api(gw, 'GET', `/v1/tenants/${id}`, { token: admin })).body.status).toBe('active'),
      );
      return [id, s];
    };
    [[ids.a, slug.a], [ids.b, slug.b], [ids.s, slug.s]] = await Promise.all([
      create('mx-a'),
      create('mx-b'),
      create('mx-s'),
    ]);
    const member = (tenant: string, sub: string) =>
      platform.sign({ sub, roles: ['member'], tenants: [tenant] });
    tokens = {
      admin,
      aMember: member(ids.a, 'alice'),
      bMember: member(ids.b, 'bob'),
      bAdmin: platform.sign({ sub: 'bob-admin', roles: ['tenant-admin'], tenants: [ids.b] }),
      sMember: member(ids.s, 'sue'),
      sAdmin: platform.sign({ sub: 'sue-admin', roles: ['tenant-admin'], tenants: [ids.s] }),
      noTenant: platform.sign({ sub: 'nobody', roles: ['member', 'tenant-admin'] }),
      forged: createSigner({ key: 'not-the-secret-not-the-secret-0123456789', algorithm: 'HS256' })({
        sub: 'mallory',
        roles: ['platform-admin', 'tenant-admin', 'member'],
        tenants: [ids.a],
      }),
    };
    const order = async (token: string): Promise<string> =>
      eventually(async () => {
        const r = await api(gw, 'POST', '/v1/orders', { token, body: { customerId: 'matrix' } });
        expect(r.status).toBe(201);
        return String(r.body.orderId);
      });
    ids.orderA = await order(tokens.aMember);
    ids.orderS = await order(tokens.sMember);
    // A's and S's product of the same sku (the `{sku}` of the product routes); B has none.
    for (const token of [tokens.aMember, tokens.sMember]) {
      const product = await api(gw, 'POST', '/v1/products', {
        token,
        body: { sku: MATRIX_SKU, name: 'matrix', stock: 5 },
      });
      expect(product.status).toBe(201);
    }
    await eventually(async () =>
      expect((await api(gw, 'GET', `/v1/products/${MATRIX_SKU}`, { token: tokens.sMember })).status).toBe(
        200,
      ),
    );
    await eventually(async () =>
      expect((await api(gw, 'GET', `/v1/orders/${ids.orderS}`, { token: tokens.sMember })).status).toBe(200),
    );
    expect(
      (await api(gw, 'POST', `/v1/tenants/${ids.s}/suspend`, { token: admin, body: { reason: 'matrix' } }))
        .status,
    ).toBe(200);
    await eventually(async () => {
      const r = await api(gw, 'POST', '/v1/orders', { token: tokens.sMember, body: { customerId: 'x' } });
      expect(r.status).toBe(403);
    });
  }, 240_000);

  afterAll(async () => {
    await stopCleanly(platform);
  }, 60_000);

  /** A valid request for the route, so that only who asks decides the answer. */
  function requestFor(
    route: PublicRoute,
    tenant: string,
    order: string,
    token: string,
    tenantHeader?: string,
  ) {
    const path = route.path
      .replace('{id}', route.path.startsWith('/v1/orders') ? order : tenant)
      .replace('{slug}', tenant)
      .replace('{sku}', MATRIX_SKU)
      .replace(/\{(keyId|webhookId|deliveryId)\}/, randomUUID());
    const bodies: Record<string, unknown> = {
      'POST /v1/orders': { customerId: 'matrix' },
      'POST /v1/orders/{id}/items': {
        sku: 'SKU-1',
        quantity: 1,
        unitPrice: { amount: '1.00', currency: 'EUR' },
      },
      'POST /v1/orders/{id}/confirm': { paymentToken: 'tok_visa' },
      'POST /v1/orders/{id}/cancel': { reason: 'customer' },
      // another sku than the matrix's own: B creating it must not make A's `{sku}` B's too
      'POST /v1/products': { sku: `MX-NEW-${uniqueSuffix()}`, name: 'new', stock: 1 },
      'POST /v1/products/{sku}/restock': { quantity: 1 },
      'POST /v1/tenants': { slug: `mx-new-${uniqueSuffix()}`, name: 'new' },
      'PATCH /v1/tenants/{id}': { plan: 'standard' },
      'POST /v1/tenants/{id}/suspend': { reason: 'matrix' },
      'POST /v1/tenants/{id}/api-keys': { name: 'matrix', roles: ['member'] },
      // allow-listed, and nothing listens there
      'POST /v1/tenants/{id}/webhooks': {
        url: `http://127.0.0.1:${platform.webhookReceiverPort}/hook`,
        events: ['*'],
      },
    };
    const key = `${route.method} ${route.path}`;
    const queries: Record<string, string> = {
      'GET /v1/orders/summary': '?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z',
    };
    const manifest =
      key === 'PUT /v1/tenants/{slug}/manifest'
        ? {
            rawBody: `apiVersion: tenantflow/v1\nkind: Tenant\nmetadata:\n  slug: ${tenant}\nspec:\n  name: m\n  plan: free\n  isolation: schema\n  region: eu-west-1\n`,
            contentType: 'application/yaml',
          }
        : {};
    return {
      path: `${path}${queries[key] ?? ''}`,
      options: {
        token,
        ...(tenantHeader !== undefined && { tenant: tenantHeader }),
        ...(bodies[key] !== undefined && { body: bodies[key] }),
        ...manifest,
      },
    };
  }

  function callerFor(route: PublicRoute, kase: Case) {
    const tenantPathFor = (id: string, s: string) => (route.path.includes('{slug}') ? s : id);
    switch (kase) {
      case 'forged token':
        return requestFor(route, tenantPathFor(ids.a, slug.a), ids.orderA, tokens.forged);
      case 'no tenant':
        return requestFor(route, tenantPathFor(ids.a, slug.a), ids.orderA, tokens.noTenant);
      case 'tenant not in token':
        // B's people naming tenant A (header for tenant routes, path for the control plane).
        return requestFor(
          route,
          tenantPathFor(ids.a, slug.a),
          ids.orderA,
          route.access === 'tenant-admin' ? tokens.bAdmin : tokens.bMember,
          route.access.startsWith('tenant-') && route.access !== 'tenant-admin' ? ids.a : undefined,
        );
      case "another tenant's resource":
        return requestFor(
          route,
          tenantPathFor(ids.a, slug.a),
          ids.orderA,
          route.access === 'tenant-admin' ? tokens.bAdmin : tokens.bMember,
        );
      case 'suspended tenant':
        return requestFor(
          route,
          tenantPathFor(ids.s, slug.s),
          ids.orderS,
          route.access === 'tenant-admin' ? tokens.sAdmin : tokens.sMember,
        );
    }
  }

  const cells = PUBLIC_ROUTES.flatMap((route) =>
    CASES.map((kase) => [`${route.method} ${route.path}`, kase, route] as const),
  );

  it.each(cells)('%s — %s', async (_name, kase, route) => {
    const { path, options } = callerFor(route, kase);
    const response: ApiResponse = await api(gw, route.method, path, options);
    const want = expected(route, kase);
    const statuses = typeof want.status === 'number' ? [want.status] : want.status;
    expect(statuses).toContain(response.status);
    if (response.status >= 400) {
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      if (want.type) expect(String(response.body.type)).toMatch(new RegExp(`/${want.type}$`));
    }
  });
});
