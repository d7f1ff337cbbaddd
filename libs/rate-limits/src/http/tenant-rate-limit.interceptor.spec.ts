import 'reflect-metadata';
import type { CallHandler } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { lastValueFrom, of } from 'rxjs';
import { ProblemError, type TenantSnapshot } from '@platform/contracts';
import { metricsRegistry } from '@platform/observability';
import { Access, TenantDirectory, type IdentifiedRequest, type RequestIdentity } from '@platform/tenancy';
import type { PlanRateLimits, RateLimitPolicy } from '../rate-limit-policy';
import type { RateLimitDecision, RateLimiter } from '../rate-limiter';
import { TenantRateLimitInterceptor } from './tenant-rate-limit.interceptor';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';

const plans: PlanRateLimits = {
  free: { rateLimit: { requestsPerSecond: 5, burst: 10 } },
  standard: { rateLimit: { requestsPerSecond: 50, burst: 100 } },
  enterprise: { rateLimit: { requestsPerSecond: 500, burst: 1_000 } },
};

const snapshot = (
  tenantId: string,
  slug: string,
  plan: TenantSnapshot['plan'],
  version = 2,
): TenantSnapshot => ({
  tenantId,
  slug,
  name: slug,
  status: 'active',
  plan,
  isolation: 'schema',
  region: 'eu-west-1',
  version,
});

/** Answers what the test says and records what it was asked. */
class FakeLimiter implements RateLimiter {
  readonly calls: { key: string; policy: RateLimitPolicy }[] = [];
  next: RateLimitDecision = { allowed: true, remaining: 9, resetMs: 1_500 };

  async consume(key: string, policy: RateLimitPolicy): Promise<RateLimitDecision> {
    this.calls.push({ key, policy });
    return this.next;
  }

  async close(): Promise<void> {}
}

class Routes {
  @Access({ scope: 'tenant', role: 'viewer', mode: 'read' })
  read(): void {}
  @Access({ scope: 'tenant-admin', param: 'id' })
  keys(): void {}
  @Access({ scope: 'public' })
  open(): void {}
  @Access({ scope: 'authenticated' })
  controlPlane(): void {}
  @Access({ scope: 'platform', role: 'platform-admin' })
  platform(): void {}
}

function setup() {
  const limiter = new FakeLimiter();
  const directory = new TenantDirectory();
  directory.apply(snapshot(A, 'acme', 'free'));
  directory.apply(snapshot(B, 'globex', 'standard'));
  const interceptor = new TenantRateLimitInterceptor(new Reflector(), limiter, plans, directory);
  const handled: string[] = [];
  const next: CallHandler = { handle: () => of('handled').pipe((source) => (handled.push('yes'), source)) };

  async function call(
    route: keyof Routes,
    identity: RequestIdentity | undefined,
    params: Record<string, string> = {},
  ) {
    const request: IdentifiedRequest = { id: 'r1', headers: {}, params, ...(identity && { identity }) };
    const headers: Record<string, string> = {};
    const reply = { header: (name: string, value: string) => (headers[name] = value) };
    const context = new ExecutionContextHost([request, reply], Routes, Routes.prototype[route]);
    let error: unknown;
    try {
      await lastValueFrom(await interceptor.intercept(context, next));
    } catch (caught) {
      error = caught;
    }
    return { headers, error };
  }
  return { limiter, directory, handled, call };
}

const member = (tenantId: string): RequestIdentity => ({
  claims: { sub: 'alice', tenants: [tenantId], roles: ['member'] },
  tenant: { tenantId, actor: 'alice', roles: ['member'], correlationId: 'c', causationId: 'r1' },
});
const tenantAdmin = (tenantId: string): RequestIdentity => ({
  claims: { sub: 'boss', tenants: [tenantId], roles: ['tenant-admin'] },
});
const platformAdmin: RequestIdentity = { claims: { sub: 'ops', tenants: [], roles: ['platform-admin'] } };

describe('the tenant rate-limit interceptor', () => {
  it("counts a tenant request against its tenant under its plan's policy and announces it", async () => {
    const { limiter, handled, call } = setup();
    const { headers, error } = await call('read', member(A));
    expect(error).toBeUndefined();
    expect(limiter.calls).toEqual([{ key: A, policy: { name: 'free', quota: 10, windowSeconds: 2 } }]);
    expect(headers).toEqual({ 'ratelimit-policy': '"free";q=10;w=2', ratelimit: '"free";r=9;t=2' });
    expect(handled).toEqual(['yes']);
  });

  it('refuses a spent budget with a 429 problem carrying Retry-After and both headers', async () => {
    const { limiter, handled, call } = setup();
    limiter.next = { allowed: false, remaining: 0, resetMs: 1_200 };
    const { headers, error } = await call('read', member(A));
    expect(error).toBeInstanceOf(ProblemError);
    const problem = error as ProblemError;
    expect(problem.kind).toBe('rateLimited');
    expect(problem.detail).toBe("the tenant's free plan allows 10 requests per 2 s; retry in 2 s");
    expect(problem.headers).toEqual({
      'ratelimit-policy': '"free";q=10;w=2',
      ratelimit: '"free";r=0;t=2',
      'retry-after': '2',
    });
    expect(headers).toEqual({ 'ratelimit-policy': '"free";q=10;w=2', ratelimit: '"free";r=0;t=2' });
    expect(handled).toEqual([]);
  });

  it('counts each refusal by tenant and plan (rate_limit_refusals_total)', async () => {
    const refusals = async (): Promise<number> =>
      ((await metricsRegistry.getSingleMetric('rate_limit_refusals_total')?.get())?.values ?? [])
        .filter((v) => v.labels.tenant === A && v.labels.plan === 'free')
        .reduce((sum, v) => sum + v.value, 0);
    const { limiter, call } = setup();
    const before = await refusals();
    await call('read', member(A));
    limiter.next = { allowed: false, remaining: 0, resetMs: 1_200 };
    await call('read', member(A));
    await call('read', member(A));
    expect((await refusals()) - before).toBe(2);
  });

  it('applies a new plan from the next request once the directory has it', async () => {
    const { limiter, directory, call } = setup();
    await call('read', member(A));
    directory.apply(snapshot(A, 'acme', 'enterprise', 3));
    const { headers } = await call('read', member(A));
    expect(limiter.calls.map((c) => c.policy.name)).toEqual(['free', 'enterprise']);
    expect(limiter.calls.map((c) => c.key)).toEqual([A, A]);
    expect(headers['ratelimit-policy']).toBe('"enterprise";q=1000;w=2');
  });

  it('keeps tenants apart: each request is counted against its own tenant', async () => {
    const { limiter, call } = setup();
    await call('read', member(A));
    await call('read', member(B));
    expect(limiter.calls.map((c) => [c.key, c.policy.name])).toEqual([
      [A, 'free'],
      [B, 'standard'],
    ]);
  });

  it('counts a tenant-admin route against the tenant it names, by slug or id', async () => {
    const { limiter, call } = setup();
    const bySlug = await call('keys', tenantAdmin(B), { id: 'globex' });
    await call('keys', tenantAdmin(A), { id: A.toUpperCase() });
    expect(limiter.calls.map((c) => [c.key, c.policy.name])).toEqual([
      [B, 'standard'],
      [A, 'free'],
    ]);
    expect(bySlug.headers['ratelimit-policy']).toBe('"standard";q=100;w=2');
  });

  it('does not limit platform admins, unknown tenants, or public, authenticated and platform routes', async () => {
    const { limiter, handled, call } = setup();
    const results = [
      await call('keys', platformAdmin, { id: A }),
      await call('keys', tenantAdmin(A), { id: 'unknown-tenant' }),
      await call('open', undefined),
      await call('controlPlane', platformAdmin),
      await call('platform', platformAdmin),
    ];
    expect(limiter.calls).toEqual([]);
    expect(results.map((r) => r.headers)).toEqual([{}, {}, {}, {}, {}]);
    expect(handled).toHaveLength(5);
  });
});
