import type { RunningService } from '@platform/testing';
import { eventually, uniqueSuffix } from '@platform/testing';
import { api, expectProblem, type ApiResponse } from './http-client';
import { createActiveTenant as createTenantActive } from './tenants';
import { startPlatform, stopCleanly, type Platform } from './platform.fixture';

/**
 * Per-tenant rate limits by plan (contract section 3, ADRs 0008 and 0014) with two gateways: the
 * budget of a tenant is one, wherever its requests land. The `free` plan allows 10 requests per 2 s.
 */
describe('rate limits: per tenant, by plan, one budget across gateways', () => {
  let platform: Platform;
  let gateways: readonly [RunningService, RunningService];
  let admin: string;
  const unknownOrder = '00000000-0000-4000-8000-000000000000';

  beforeAll(async () => {
    platform = await startPlatform(22_080, { gateways: 2 });
    const [first, second] = platform.gateways;
    if (!first || !second) throw new Error('two gateways expected');
    gateways = [first, second];
    admin = platform.token(['platform-admin'], [], 'e2e-rl-admin');
  }, 180_000);

  afterAll(async () => {
    await stopCleanly(platform);
  }, 60_000);

  const createActiveTenant = (name: string): Promise<string> =>
    createTenantActive({
      via: gateways[0].url,
      readVia: gateways[1].url,
      admin,
      slug: `${name}-${uniqueSuffix()}`,
      plan: 'free',
    });

  /** Until both gateways know the tenant is active: a read is answered (404), not refused (403). */
  async function knownToBothGateways(token: string): Promise<void> {
    for (const gateway of gateways) {
      await eventually(
        async () =>
          expect((await api(gateway.url, 'GET', `/v1/orders/${unknownOrder}`, { token })).status).toBe(404),
        { what: `${gateway.name} knows the tenant`, timeoutMs: 30_000 },
      );
    }
  }

  const expectFreeHeaders = (response: ApiResponse, remaining: RegExp): void => {
    expect({
      policy: response.headers.get('ratelimit-policy'),
      rateLimit: response.headers.get('ratelimit'),
    }).toEqual({
      policy: '"free";q=10;w=2',
      rateLimit: expect.stringMatching(new RegExp(`^"free";r=${remaining.source};t=[0-2]$`)),
    });
  };

  it('refuses a free tenant beyond its burst on both gateways, and serves another tenant meanwhile', async () => {
    const [tenant, other] = await Promise.all([
      createActiveTenant('rl-free'),
      createActiveTenant('rl-other'),
    ]);
    const member = platform.token(['member'], [tenant], 'rl-member');
    const otherMember = platform.token(['member'], [other], 'rl-other-member');
    await knownToBothGateways(member);
    await knownToBothGateways(otherMember);

    // Successful responses carry the headers too.
    const created = await eventually(async () => {
      const response = await api(gateways[0].url, 'POST', '/v1/orders', {
        token: member,
        body: { customerId: 'rl-1' },
      });
      expect(response.status).toBe(201);
      return response;
    });
    expectFreeHeaders(created, /\d/);
    const path = `/v1/orders/${String(created.body.orderId)}`;
    const read = await eventually(
      async () => {
        const response = await api(gateways[1].url, 'GET', path, { token: member });
        expect(response.status).toBe(200);
        return response;
      },
      { what: 'the order projected' },
    );
    expectFreeHeaders(read, /\d/);

    // Start from a fresh window: a read that finds 9 of its 10 requests left.
    await eventually(
      async () => {
        const response = await api(gateways[0].url, 'GET', path, { token: member });
        expect(response.status).toBe(200);
        expect(response.headers.get('ratelimit')).toMatch(/^"free";r=9;/);
      },
      { what: 'a fresh window', timeoutMs: 10_000, intervalMs: 100 },
    );

    // 30 reads at once, half through each gateway: the window has 9 left, for both together. Exactly
    // 9 even with leases (ADR 0014): never more than the quota, and the only budget refused early is a
    // lease a gateway holds unused, which cannot happen while each gateway has more requests than that.
    const flood = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const gateway = gateways[i % 2]!;
        return { gateway: gateway.name, response: await api(gateway.url, 'GET', path, { token: member }) };
      }),
    );
    const served = flood.filter(({ response }) => response.status === 200);
    const refused = flood.filter(({ response }) => response.status === 429);
    expect({ served: served.length, refused: refused.length }).toEqual({ served: 9, refused: 21 });
    expect(new Set(refused.map(({ gateway }) => gateway))).toEqual(new Set(gateways.map((g) => g.name)));
    for (const { response } of served) expectFreeHeaders(response, /[0-8]/);
    for (const { response } of refused) {
      expectProblem(response, 429, 'rate-limited');
      expect(response.body).toMatchObject({ type: expect.any(String), instance: path });
      expect(response.headers.get('retry-after')).toMatch(/^[12]$/);
      expectFreeHeaders(response, /0/);
    }

    // Another tenant's budget is its own: served on both gateways while the first one is spent.
    for (const gateway of gateways) {
      const response = await api(gateway.url, 'GET', `/v1/orders/${unknownOrder}`, { token: otherMember });
      expectProblem(response, 404, 'not-found');
      expectFreeHeaders(response, /\d/);
    }

    // Once the window has passed, the first tenant is served again.
    await eventually(
      async () => expect((await api(gateways[1].url, 'GET', path, { token: member })).status).toBe(200),
      { what: 'the budget refilled', timeoutMs: 10_000, intervalMs: 100 },
    );
  });

  it("applies a tenant's new plan on every gateway", async () => {
    const tenant = await createActiveTenant('rl-upgrade');
    const member = platform.token(['member'], [tenant], 'rl-upgrade-member');
    await knownToBothGateways(member);

    const patched = await api(gateways[0].url, 'PATCH', `/v1/tenants/${tenant}`, {
      token: admin,
      body: { plan: 'standard' },
    });
    expect(patched.status).toBe(200);
    for (const gateway of gateways) {
      await eventually(
        async () => {
          const response = await api(gateway.url, 'GET', `/v1/orders/${unknownOrder}`, { token: member });
          expect(response.status).toBe(404);
          expect(response.headers.get('ratelimit-policy')).toBe('"standard";q=100;w=2');
        },
        { what: `${gateway.name} applies the standard plan`, timeoutMs: 30_000, intervalMs: 200 },
      );
    }
  });
});
