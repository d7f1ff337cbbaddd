import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ProblemError, type TenantSnapshot } from '@platform/contracts';
import { InternalContextCodec } from '../internal-context';
import { TenantDirectory } from '../tenant-directory';
import { Access } from './access.decorator';
import { InternalContextGuard } from './internal-context.guard';
import type { IdentifiedRequest } from './request-identity';

const codec = new InternalContextCodec('internal-test-secret-0123456789abcdef');
const tenantA = 'aaaaaaaa-0000-4000-8000-000000000001';
const tenantB = 'bbbbbbbb-0000-4000-8000-000000000002';
const path = '/v1/orders/0b8c0c1e-4bd8-4bd5-9b0e-1b4f1d1c1a01';

class Routes {
  @Access({ scope: 'tenant', role: 'viewer', mode: 'read' })
  read(): void {}

  @Access({ scope: 'tenant', role: 'member', mode: 'write' })
  write(): void {}

  @Access({ scope: 'platform', role: 'platform-admin' })
  admin(): void {}
}

function directoryWith(...tenants: [string, TenantSnapshot['status']][]): TenantDirectory {
  const directory = new TenantDirectory();
  for (const [tenantId, status] of tenants) {
    directory.apply({ tenantId, slug: `t-${tenantId.slice(0, 8)}`, status, version: 1 } as TenantSnapshot);
  }
  return directory;
}

function http(request: IdentifiedRequest, handler: keyof Routes = 'read'): ExecutionContext {
  return {
    getType: () => 'http',
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

function request(headers: Record<string, string>): IdentifiedRequest {
  return { id: 'req-1', method: 'GET', url: path, headers };
}

const signed = (roles: string[] = ['viewer'], tenantId = tenantA) =>
  codec.sign({ tenantId, actor: 'alice', roles, correlationId: 'corr-1' }, { method: 'GET', path });

async function refusal(run: () => unknown): Promise<ProblemError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('InternalContextGuard', () => {
  const guard = new InternalContextGuard(
    new Reflector(),
    codec,
    directoryWith([tenantA, 'active'], [tenantB, 'suspended']),
  );

  it('sets the tenant context from a valid signed context', () => {
    const req = request({ 'x-internal-context': signed() });
    expect(guard.canActivate(http(req))).toBe(true);
    expect(req.identity).toEqual({
      claims: { sub: 'alice', tenants: [tenantA], roles: ['viewer'] },
      tenant: {
        tenantId: tenantA,
        actor: 'alice',
        roles: ['viewer'],
        correlationId: 'corr-1',
        causationId: 'req-1',
      },
    });
  });

  it('ignores X-Tenant-ID, Authorization and X-API-Key: only the signed tenant counts', () => {
    const req = request({
      'x-internal-context': signed(),
      'x-tenant-id': tenantB,
      authorization: 'Bearer whatever',
      'x-api-key': 'whatever',
    });
    guard.canActivate(http(req));
    expect(req.identity?.tenant?.tenantId).toBe(tenantA);
  });

  it.each([
    ['missing', {}],
    ['a bearer token instead', { authorization: 'Bearer a.b.c' }],
    ['forged', { 'x-internal-context': signed().slice(0, -2) + 'AA' }],
  ])('answers 401 when the context is %s', async (_case, headers) => {
    const error = await refusal(() => guard.canActivate(http(request(headers))));
    expect(error.kind).toBe('unauthorized');
  });

  it('answers 401 for a context signed for another request', async () => {
    const req = { ...request({ 'x-internal-context': signed() }), url: `${path}/history` };
    expect((await refusal(() => guard.canActivate(http(req)))).kind).toBe('unauthorized');
  });

  it("checks the route's role", async () => {
    const req = request({ 'x-internal-context': signed(['viewer']) });
    expect((await refusal(() => guard.canActivate(http(req, 'write')))).kind).toBe('forbidden');
  });

  it("checks the tenant's status: a suspended tenant reads but does not write", async () => {
    expect(guard.canActivate(http(request({ 'x-internal-context': signed(['member'], tenantB) })))).toBe(
      true,
    );
    const write = request({ 'x-internal-context': signed(['member'], tenantB) });
    expect((await refusal(() => guard.canActivate(http(write, 'write')))).kind).toBe('tenantSuspended');
  });

  it('refuses a tenant this service does not know', async () => {
    const unknown = 'cccccccc-0000-4000-8000-000000000003';
    const req = request({ 'x-internal-context': signed(['viewer'], unknown) });
    expect((await refusal(() => guard.canActivate(http(req)))).kind).toBe('tenantNotActive');
  });

  it('serves no route that is not tenant-scoped', async () => {
    const req = request({ 'x-internal-context': signed(['platform-admin']) });
    expect((await refusal(() => guard.canActivate(http(req, 'admin')))).kind).toBe('forbidden');
  });
});
