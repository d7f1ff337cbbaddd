import { randomUUID } from 'node:crypto';
import { PUBLIC_ROUTES } from '@platform/contracts';
import { eventually, uniqueSuffix, waitReady } from '@platform/testing';
import { hostileCases, type RouteFixture } from './hostile-requests';
import { api } from './http-client';
import { startPlatform, stopCleanly, type Platform } from './platform.fixture';
import { sendRaw, type RawResponse } from './raw-http';

/** Fixed, so that a failing case is the same case on the next run. */
const SEED = 0x9e3779b9;
/** Requests in flight at once: enough to finish in seconds, few enough for a 2-core box. */
const CONCURRENCY = 6;

/** Why an answer breaks the contract (section 3), or undefined if it keeps it. */
function breach(response: RawResponse, refuse: boolean): string | undefined {
  if (response.status >= 500) return `answered ${response.status}: ${response.body.slice(0, 300)}`;
  if (refuse && (response.status < 400 || response.status >= 500)) {
    return `accepted with ${response.status}: ${response.body.slice(0, 200)}`;
  }
  if (response.status < 400) return undefined;
  if (!/^application\/problem\+json(;|$)/.test(response.headers['content-type'] ?? '')) {
    return `${response.status} as ${response.headers['content-type']}: ${response.body.slice(0, 200)}`;
  }
  let problem: Record<string, unknown>;
  try {
    problem = JSON.parse(response.body) as Record<string, unknown>;
  } catch {
    return `${response.status} whose body is not JSON: ${response.body.slice(0, 200)}`;
  }
  if (
    typeof problem.type !== 'string' ||
    typeof problem.title !== 'string' ||
    problem.status !== response.status
  ) {
    return `${response.status} without type, title and status: ${response.body.slice(0, 200)}`;
  }
  return undefined;
}

async function inBatches<T, R>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) {
    results.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  }
  return results;
}

/**
 * Issue 9: hostile input on every route of the route table, through the gateway of the whole
 * platform. Every answer is a 4xx problem+json (or, for a header the route does not read, any answer
 * but a 5xx), none hangs, and every service is alive and serving afterwards.
 */
describe('hostile HTTP input on every public route', () => {
  let platform: Platform;
  let port: number;
  let gw: string;
  const ids = { tenant: '', slug: '', target: '', targetSlug: '', order: '', sku: `FZ-${uniqueSuffix()}` };
  const tokens = { admin: '', member: '' };

  beforeAll(async () => {
    platform = await startPlatform(11_080);
    const gateway = platform.gateways[0];
    if (!gateway) throw new Error('no gateway');
    port = gateway.port;
    gw = gateway.url;
    tokens.admin = platform.token(['platform-admin'], [], 'fuzz-admin');
    const create = async (name: string): Promise<[string, string]> => {
      const slug = `${name}-${uniqueSuffix()}`;
      const created = await api(gw, 'POST', '/v1/tenants', {
        token: tokens.admin,
        body: { slug, name: slug, plan: 'enterprise' },
      });
      expect(created.status).toBe(202);
      const id = String(created.body.id);
      await eventually(async () =>
        expect((await api(gw, 'GET', `/v1/tenants/${id}`, { token: tokens.admin })).body.status).toBe(
          'active',
        ),
      );
      return [id, slug];
    };
    // the data plane acts in `tenant`; the control plane's routes (suspend, archive, delete…) on `target`
    [[ids.tenant, ids.slug], [ids.target, ids.targetSlug]] = await Promise.all([
      create('fz-data'),
      create('fz-ctl'),
    ]);
    tokens.member = platform.token(['member'], [ids.tenant], 'fuzz-member');
    ids.order = await eventually(async () => {
      const r = await api(gw, 'POST', '/v1/orders', { token: tokens.member, body: { customerId: 'fuzz' } });
      expect(r.status).toBe(201);
      return String(r.body.orderId);
    });
    const product = await api(gw, 'POST', '/v1/products', {
      token: tokens.member,
      body: { sku: ids.sku, name: 'fuzz', stock: 5 },
    });
    expect(product.status).toBe(201);
  }, 240_000);

  afterAll(async () => {
    await stopCleanly(platform);
  }, 60_000);

  const fixture: RouteFixture = {
    params: (route) => ({
      id: route.path.startsWith('/v1/orders') ? ids.order : ids.target,
      slug: ids.targetSlug,
      sku: ids.sku,
      keyId: randomUUID(),
      webhookId: randomUUID(),
      deliveryId: randomUUID(),
    }),
    body: (route) =>
      validBodies(ids.targetSlug, platform.webhookReceiverPort)[`${route.method} ${route.path}`],
    auth: (route) =>
      route.access === 'tenant-read' || route.access === 'tenant-write'
        ? [['authorization', `Bearer ${tokens.member}`]]
        : [['authorization', `Bearer ${tokens.admin}`]],
  };

  it('answers every hostile request with a 4xx problem+json, never a 5xx or a hang', async () => {
    const cases = hostileCases(PUBLIC_ROUTES, fixture, SEED);
    const started = Date.now();
    const outcomes = await inBatches(cases, CONCURRENCY, async (kase) => {
      try {
        const response = await sendRaw(port, kase.request);
        return { name: kase.name, status: response.status, breach: breach(response, kase.refuse) };
      } catch (error) {
        return { name: kase.name, status: 0, breach: `no answer: ${String(error)}` };
      }
    });
    const seconds = (Date.now() - started) / 1_000;
    process.stdout.write(
      `hostile HTTP: ${cases.length} cases over ${PUBLIC_ROUTES.length} routes in ${seconds} s\n`,
    );
    expect(cases.length).toBeGreaterThan(300);
    expect(outcomes.filter((o) => o.breach !== undefined).map((o) => `${o.name}: ${o.breach}`)).toEqual([]);
    expect(seconds).toBeLessThan(60);
  }, 120_000);

  it('leaves every service alive and serving', async () => {
    for (const service of platform.services) expect(service.process.exitCode).toBeNull();
    for (const service of platform.services) await waitReady(service, 10_000);
    const r = await api(gw, 'POST', '/v1/orders', { token: tokens.member, body: { customerId: 'after' } });
    expect(r.status).toBe(201);
  }, 60_000);
});

/** A valid body for each route that takes one (the tenancy matrix's, with the manifest as JSON). */
function validBodies(slug: string, webhookPort: number): Record<string, Record<string, unknown>> {
  return {
    'POST /v1/orders': { customerId: 'fuzz' },
    'POST /v1/orders/{id}/items': {
      sku: 'SKU-1',
      quantity: 1,
      unitPrice: { amount: '1.00', currency: 'EUR' },
    },
    'POST /v1/orders/{id}/confirm': { paymentToken: 'tok_visa' },
    'POST /v1/orders/{id}/cancel': { reason: 'customer' },
    'POST /v1/products': { sku: `FZ-NEW-${uniqueSuffix()}`, name: 'new', stock: 1 },
    'POST /v1/products/{sku}/restock': { quantity: 1 },
    'POST /v1/tenants': { slug: `fz-new-${uniqueSuffix()}`, name: 'new' },
    'PATCH /v1/tenants/{id}': { plan: 'standard' },
    'POST /v1/tenants/{id}/suspend': { reason: 'fuzz' },
    'POST /v1/tenants/{id}/api-keys': { name: 'fuzz', roles: ['member'] },
    'POST /v1/tenants/{id}/webhooks': { url: `http://127.0.0.1:${webhookPort}/hook`, events: ['*'] },
    'PUT /v1/tenants/{slug}/manifest': {
      apiVersion: 'tenantflow/v1',
      kind: 'Tenant',
      metadata: { slug },
      spec: { name: 'm', plan: 'free', isolation: 'schema', region: 'eu-west-1' },
    },
  };
}
