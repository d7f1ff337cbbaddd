import 'reflect-metadata';
import type { CallHandler } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { lastValueFrom, of, tap } from 'rxjs';
import { ProblemError } from '@platform/contracts';
import type { RequestIdentity } from '@platform/tenancy';
import { requestFingerprint } from '../fingerprint';
import type {
  ClaimOutcome,
  IdempotencyClaim,
  IdempotencyStore,
  IdempotentRequest,
  StoredResponse,
} from '../idempotency-store';
import { IdempotencyInterceptor, type WriteRequest } from './idempotency.interceptor';
import { PendingClaims } from './pending-claims';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';

/** Answers what the test says and records what it was asked. */
class ScriptedStore implements IdempotencyStore {
  readonly claims: IdempotentRequest[] = [];
  next: ClaimOutcome | Error = { kind: 'in-flight' };

  async claim(request: IdempotentRequest): Promise<ClaimOutcome> {
    this.claims.push(request);
    if (this.next instanceof Error) throw this.next;
    return this.next.kind === 'claimed' ? { kind: 'claimed', claim: { request, token: 't-1' } } : this.next;
  }
  async complete(): Promise<boolean> {
    return true;
  }
  async release(): Promise<void> {}
  async purgeTenant(): Promise<number> {
    return 0;
  }
  async deleteExpired(): Promise<number> {
    return 0;
  }
}

const member = (tenantId: string, sub = 'alice'): RequestIdentity => ({
  claims: { sub, tenants: [tenantId], roles: ['member'] },
  tenant: { tenantId, actor: sub, roles: ['member'], correlationId: 'c', causationId: 'r1' },
});
const admin: RequestIdentity = { claims: { sub: 'ops', tenants: [], roles: ['platform-admin'] } };

function setup() {
  const store = new ScriptedStore();
  const pending = new PendingClaims();
  const interceptor = new IdempotencyInterceptor(store, pending);
  const handled: string[] = [];
  const next: CallHandler = { handle: () => of('handled').pipe(tap(() => handled.push('yes'))) };

  async function call(options: {
    method?: string;
    url?: string;
    key?: string | string[];
    body?: unknown;
    identity?: RequestIdentity;
  }) {
    const request: WriteRequest = {
      id: 'r1',
      method: options.method ?? 'POST',
      url: options.url ?? '/v1/orders',
      headers: options.key === undefined ? {} : { 'idempotency-key': options.key },
      body: options.body,
      ...(options.identity && { identity: options.identity }),
    };
    const sent: { status?: number; headers: Record<string, string>; body?: string } = { headers: {} };
    const reply = {
      status: (code: number) => (sent.status = code),
      header: (name: string, value: string) => (sent.headers[name] = value),
      send: async (body: string) => {
        sent.body = body;
      },
    };
    const context = new ExecutionContextHost([request, reply]);
    context.setType('http');
    let result: unknown;
    let error: unknown;
    try {
      result = await lastValueFrom(await interceptor.intercept(context, next));
    } catch (caught) {
      error = caught;
    }
    return { request, sent, result, error, claim: pending.take(request) };
  }
  return { store, handled, call };
}

const problemOf = (error: unknown): ProblemError => {
  expect(error).toBeInstanceOf(ProblemError);
  return error as ProblemError;
};

describe('the idempotency interceptor', () => {
  it('leaves a write without Idempotency-Key alone', async () => {
    const { store, handled, call } = setup();
    const { result, claim } = await call({ identity: member(A), body: { customerId: 'c' } });
    expect(result).toBe('handled');
    expect(handled).toEqual(['yes']);
    expect(store.claims).toEqual([]);
    expect(claim).toBeUndefined();
  });

  it.each(['GET', 'HEAD', 'OPTIONS'])('leaves a %s with a key alone', async (method) => {
    const { store, handled, call } = setup();
    await call({ method, key: 'k-1', identity: member(A) });
    expect(handled).toEqual(['yes']);
    expect(store.claims).toEqual([]);
  });

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(256)],
    ['not printable', 'bad\u0001key'],
    ['repeated', ['k-1', 'k-2']],
  ])('refuses a %s key with a 400 before anything runs', async (_what, key) => {
    const { store, handled, call } = setup();
    const { error } = await call({ key, identity: member(A) });
    const problem = problemOf(error);
    expect(problem.kind).toBe('validation');
    expect(problem.errors).toEqual([{ path: '/headers/idempotency-key', message: expect.any(String) }]);
    expect(handled).toEqual([]);
    expect(store.claims).toEqual([]);
  });

  it("claims the key in the request's tenant, never one named by the body, and runs the handler", async () => {
    const { store, handled, call } = setup();
    store.next = { kind: 'claimed', claim: {} as IdempotencyClaim };
    const body = { customerId: 'c', tenantId: B };
    const { result, claim } = await call({ key: 'k-1', url: '/v1/orders?x=1', body, identity: member(A) });

    expect(store.claims).toEqual([
      {
        scope: { kind: 'tenant', tenantId: A },
        method: 'POST',
        path: '/v1/orders',
        key: 'k-1',
        fingerprint: requestFingerprint({ method: 'POST', url: '/v1/orders?x=1', body }),
      },
    ]);
    expect(result).toBe('handled');
    expect(handled).toEqual(['yes']);
    // left for the response recorder
    expect(claim).toEqual({ request: store.claims[0], token: 't-1' });
  });

  it("claims in the caller's scope on a route that is not tenant-scoped (the control plane)", async () => {
    const { store, call } = setup();
    store.next = { kind: 'claimed', claim: {} as IdempotencyClaim };
    await call({ method: 'delete', url: '/v1/tenants/acme', key: 'k-1', identity: admin });
    expect(store.claims[0]).toMatchObject({
      scope: { kind: 'subject', subject: 'ops' },
      method: 'DELETE',
      path: '/v1/tenants/acme',
    });
  });

  it("keeps two tenants apart: the same key is claimed in each one's own scope", async () => {
    const { store, call } = setup();
    store.next = { kind: 'claimed', claim: {} as IdempotencyClaim };
    await call({ key: 'same', identity: member(A) });
    await call({ key: 'same', identity: member(B, 'bob') });
    expect(store.claims.map((c) => c.scope)).toEqual([
      { kind: 'tenant', tenantId: A },
      { kind: 'tenant', tenantId: B },
    ]);
  });

  it('replays a kept answer with Idempotent-Replayed and does not run the handler', async () => {
    const { store, handled, call } = setup();
    const response: StoredResponse = {
      status: 201,
      headers: { 'content-type': 'application/json', location: '/v1/orders/o-1' },
      body: '{"orderId":"o-1"}',
    };
    store.next = { kind: 'replay', response };
    const { sent, error, claim } = await call({ key: 'k-1', identity: member(A) });
    expect(error).toBeUndefined();
    expect(sent).toEqual({
      status: 201,
      headers: {
        'content-type': 'application/json',
        location: '/v1/orders/o-1',
        'idempotent-replayed': 'true',
      },
      body: '{"orderId":"o-1"}',
    });
    expect(handled).toEqual([]);
    expect(claim).toBeUndefined();
  });

  it('answers a repeat of a request still running with a 409 and Retry-After: 1', async () => {
    const { store, handled, call } = setup();
    store.next = { kind: 'in-flight' };
    const problem = problemOf((await call({ key: 'k-1', identity: member(A) })).error);
    expect(problem.kind).toBe('conflict');
    expect(problem.headers).toEqual({ 'retry-after': '1' });
    expect(handled).toEqual([]);
  });

  it('answers the key reused for another request with a 422 idempotency-key-reused', async () => {
    const { store, handled, call } = setup();
    store.next = { kind: 'mismatch' };
    const problem = problemOf((await call({ key: 'k-1', identity: member(A) })).error);
    expect(problem.kind).toBe('unprocessable');
    expect(handled).toEqual([]);
  });

  it('answers a 503 with Retry-After when the store fails, and runs nothing', async () => {
    const { store, handled, call } = setup();
    store.next = new Error('connection refused');
    const problem = problemOf((await call({ key: 'k-1', identity: member(A) })).error);
    expect(problem.kind).toBe('unavailable');
    expect(problem.headers).toEqual({ 'retry-after': '5' });
    expect(handled).toEqual([]);
  });

  it('lets a request without identity (a public route) through', async () => {
    const { store, handled, call } = setup();
    await call({ key: 'k-1' });
    expect(handled).toEqual(['yes']);
    expect(store.claims).toEqual([]);
  });
});
