import { randomUUID } from 'node:crypto';
import { InternalContextCodec, INTERNAL_CONTEXT_HEADER } from '@platform/tenancy';
import { eventually, uniqueSuffix } from '@platform/testing';
import { api, expectProblem } from './http-client';
import { startPlatform, stopCleanly, type Platform } from './platform.fixture';
import { createActiveTenant } from './tenants';

/**
 * ADR 0017: the gateway verifies the caller once and forwards reads to the query service with a
 * signed internal context. The query service answers nothing else: not a user's JWT, not a forged,
 * expired or re-targeted context, and never a bare X-Tenant-ID.
 */
describe('the query service answers only what the gateway signed', () => {
  let platform: Platform;
  let gw: string;
  let query: string;
  let tenantA: string;
  let tenantB: string;
  let alice: string;
  let orderId: string;
  let codec: InternalContextCodec;
  const suffix = uniqueSuffix();

  beforeAll(async () => {
    platform = await startPlatform(28_080);
    gw = platform.gateways[0]?.url ?? '';
    query = platform.services.find((service) => service.name.endsWith('-query'))?.url ?? '';
    codec = new InternalContextCodec(platform.env.INTERNAL_CONTEXT_SECRET ?? '');
    const admin = platform.token(['platform-admin'], [], 'ic-admin');
    const servedBy = {
      gateways: [gw],
      token: (tenantId: string) => platform.token(['viewer'], [tenantId], 'ic-probe'),
    };
    [tenantA, tenantB] = await Promise.all([
      createActiveTenant({ via: gw, admin, slug: `ic-a-${suffix}`, servedBy }),
      createActiveTenant({ via: gw, admin, slug: `ic-b-${suffix}`, servedBy }),
    ]);
    alice = platform.token(['member'], [tenantA], 'ic-alice');
    const created = await api(gw, 'POST', '/v1/orders', { token: alice, body: { customerId: 'c-ic' } });
    expect(created.status).toBe(201);
    orderId = String(created.body.orderId);
    await eventually(async () => expect((await api(gw, 'GET', path(), { token: alice })).status).toBe(200), {
      what: 'order readable through the gateway',
    });
  }, 180_000);

  afterAll(async () => {
    await stopCleanly(platform);
  }, 60_000);

  const path = (id = orderId) => `/v1/orders/${id}`;
  const signed = (tenantId: string, target = path(), signer = codec, now = Date.now()) =>
    signer.sign(
      { tenantId, actor: 'ic-alice', roles: ['member'], correlationId: 'ic-1' },
      { method: 'GET', path: target },
      now,
    );
  const direct = (headers: Record<string, string>, target = path()) => api(query, 'GET', target, { headers });

  function expectUnauthorized(response: Awaited<ReturnType<typeof direct>>): void {
    expectProblem(response, 401, 'unauthorized');
    expect(response.headers.get('x-trace-id')).toBeTruthy();
  }

  it('reads through the gateway', async () => {
    const response = await api(gw, 'GET', path(), { token: alice });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: orderId, customerId: 'c-ic', version: 1 });
    expect(response.headers.get('etag')).toBe('"1"');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it("refuses a caller's valid JWT sent directly (401)", async () => {
    expectUnauthorized(await direct({ authorization: `Bearer ${alice}`, 'x-tenant-id': tenantA }));
  });

  it('refuses a bare X-Tenant-ID and no credentials at all (401)', async () => {
    expectUnauthorized(await direct({ 'x-tenant-id': tenantA }));
    expectUnauthorized(await direct({}));
  });

  it('refuses a context signed with another secret (forged, 401)', async () => {
    const forger = new InternalContextCodec('not-the-internal-secret-0123456789abcdef');
    expectUnauthorized(await direct({ [INTERNAL_CONTEXT_HEADER]: signed(tenantA, path(), forger) }));
  });

  it('refuses an expired context, and one signed for another request (401)', async () => {
    expectUnauthorized(
      await direct({ [INTERNAL_CONTEXT_HEADER]: signed(tenantA, path(), codec, Date.now() - 60_000) }),
    );
    const other = path(randomUUID());
    expectUnauthorized(await direct({ [INTERNAL_CONTEXT_HEADER]: signed(tenantA, other) }));
  });

  it('refuses a context whose tenant was tampered with (401)', async () => {
    const [version, payload, signature] = signed(tenantB).split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    const tampered = Buffer.from(JSON.stringify({ ...claims, t: tenantA })).toString('base64url');
    expectUnauthorized(await direct({ [INTERNAL_CONTEXT_HEADER]: `${version}.${tampered}.${signature}` }));
  });

  it('answers a valid context, in its own tenant only, whatever X-Tenant-ID says', async () => {
    const own = await direct({ [INTERNAL_CONTEXT_HEADER]: signed(tenantA), 'x-tenant-id': tenantB });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ id: orderId });
    // B asking for A's order: the same 404 as an order that does not exist
    const theirs = await direct({ [INTERNAL_CONTEXT_HEADER]: signed(tenantB), 'x-tenant-id': tenantA });
    const unknownId = randomUUID();
    const unknown = await direct(
      { [INTERNAL_CONTEXT_HEADER]: signed(tenantB, path(unknownId)) },
      path(unknownId),
    );
    expectProblem(theirs, 404, 'not-found');
    expectProblem(unknown, 404, 'not-found');
    const shape = (body: Record<string, unknown>) => ({
      ...body,
      detail: undefined,
      instance: undefined,
      traceId: undefined,
    });
    expect(shape(theirs.body)).toEqual(shape(unknown.body));
  });
});
