import { randomUUID } from 'node:crypto';
import type {
  IdempotencyClaim,
  IdempotencyScope,
  IdempotencyStore,
  IdempotentRequest,
  StoredResponse,
} from '../idempotency-store';

/** Two instances of one adapter on shared state: two gateways. */
export interface StoresUnderTest {
  readonly first: IdempotencyStore;
  readonly second: IdempotencyStore;
}

export interface ContractClock {
  readonly now: () => Date;
  readonly ttlMs: number;
  readonly staleClaimMs: number;
}

const TTL_MS = 24 * 60 * 60 * 1_000;
const STALE_MS = 60_000;

/**
 * The rules every {@link IdempotencyStore} adapter follows, run against each of them (in memory in a
 * unit spec, PostgreSQL in an integration spec). `make` builds two instances sharing their records,
 * on the given clock.
 */
export function idempotencyStoreContract(make: (clock: ContractClock) => Promise<StoresUnderTest>): void {
  let now = new Date('2026-03-01T10:00:00.000Z');
  let first: IdempotencyStore;
  let second: IdempotencyStore;
  const advance = (ms: number): void => {
    now = new Date(now.getTime() + ms);
  };

  beforeAll(async () => {
    ({ first, second } = await make({ now: () => now, ttlMs: TTL_MS, staleClaimMs: STALE_MS }));
  });

  const tenant = (tenantId = randomUUID()): IdempotencyScope => ({ kind: 'tenant', tenantId });
  const request = (overrides: Partial<IdempotentRequest> = {}): IdempotentRequest => ({
    scope: tenant(),
    method: 'POST',
    path: '/v1/orders',
    key: `key-${randomUUID()}`,
    fingerprint: 'fingerprint-a',
    ...overrides,
  });
  const created: StoredResponse = {
    status: 201,
    headers: { 'content-type': 'application/json; charset=utf-8', location: '/v1/orders/o-1' },
    body: '{"orderId":"o-1","version":1}',
  };

  async function claimed(store: IdempotencyStore, req: IdempotentRequest): Promise<IdempotencyClaim> {
    const outcome = await store.claim(req);
    if (outcome.kind !== 'claimed') throw new Error(`expected a claim, got ${outcome.kind}`);
    return outcome.claim;
  }

  it('lets the first request claim a key and replays its answer to a repeat, on any instance', async () => {
    const req = request();
    const claim = await claimed(first, req);
    expect(await first.complete(claim, created)).toBe(true);

    expect(await second.claim(req)).toEqual({ kind: 'replay', response: created });
    expect(await first.claim(req)).toEqual({ kind: 'replay', response: created });
  });

  it('keeps a 4xx answer and an empty body as they were', async () => {
    const req = request({ method: 'DELETE', path: '/v1/tenants/t-1' });
    const refused: StoredResponse = {
      status: 409,
      headers: { 'content-type': 'application/problem+json' },
      body: '{"status":409}',
    };
    await first.complete(await claimed(first, req), refused);
    expect(await second.claim(req)).toEqual({ kind: 'replay', response: refused });

    const empty = request({ method: 'DELETE' });
    await first.complete(await claimed(first, empty), { status: 204, headers: {}, body: '' });
    expect(await second.claim(empty)).toEqual({
      kind: 'replay',
      response: { status: 204, headers: {}, body: '' },
    });
  });

  it('refuses the key for another request, while it runs and once it is answered', async () => {
    const req = request();
    const claim = await claimed(first, req);
    const other = { ...req, fingerprint: 'fingerprint-b' };
    expect(await second.claim(other)).toEqual({ kind: 'mismatch' });

    await first.complete(claim, created);
    expect(await second.claim(other)).toEqual({ kind: 'mismatch' });
    expect(await second.claim(req)).toEqual({ kind: 'replay', response: created });
  });

  it('tells a repeat that arrives while the first runs that it is in flight', async () => {
    const req = request();
    await claimed(first, req);
    expect(await second.claim(req)).toEqual({ kind: 'in-flight' });
    expect(await first.claim(req)).toEqual({ kind: 'in-flight' });
  });

  it('lets exactly one of concurrent claimers on two instances win', async () => {
    const req = request();
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? first : second).claim(req)),
    );
    expect(outcomes.filter((o) => o.kind === 'claimed')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'in-flight')).toHaveLength(11);
  });

  it("keeps scopes apart: another tenant's, a caller's, another path's or method's key is its own", async () => {
    const req = request();
    await first.complete(await claimed(first, req), created);

    const elsewhere: Partial<IdempotentRequest>[] = [
      { scope: tenant() },
      { scope: { kind: 'subject', subject: 'alice' } },
      { path: '/v1/orders/o-1/items' },
      { method: 'PUT' },
    ];
    for (const overrides of elsewhere) {
      const outcome = await second.claim({ ...req, ...overrides });
      expect({ overrides, kind: outcome.kind }).toEqual({ overrides, kind: 'claimed' });
    }
    expect(await second.claim(req)).toEqual({ kind: 'replay', response: created });
  });

  it('gives the key back on release: the next request executes', async () => {
    const req = request();
    const claim = await claimed(first, req);
    await first.release(claim);

    const again = await second.claim(req);
    expect(again.kind).toBe('claimed');
    // A release of the old claim does not free the new one.
    await first.release(claim);
    expect(await first.claim(req)).toEqual({ kind: 'in-flight' });
  });

  it('lets a stale claim of the same request be taken over, and fences its first holder', async () => {
    const req = request();
    const crashed = await claimed(first, req);
    advance(STALE_MS - 1);
    expect(await second.claim(req)).toEqual({ kind: 'in-flight' });
    advance(1);
    expect(await second.claim({ ...req, fingerprint: 'fingerprint-b' })).toEqual({ kind: 'mismatch' });

    const takeover = await claimed(second, req);
    expect(await first.complete(crashed, created)).toBe(false);
    await first.release(crashed);
    expect(await first.claim(req)).toEqual({ kind: 'in-flight' });
    expect(await second.complete(takeover, created)).toBe(true);
    expect(await first.claim(req)).toEqual({ kind: 'replay', response: created });
  });

  it('forgets an answer once it expires: the key is free again, even for another request', async () => {
    const req = request();
    await first.complete(await claimed(first, req), created);
    advance(TTL_MS - 1);
    expect(await second.claim(req)).toEqual({ kind: 'replay', response: created });
    advance(1);

    const reused = { ...req, fingerprint: 'fingerprint-b' };
    const claim = await claimed(second, reused);
    const later: StoredResponse = { ...created, body: '{"orderId":"o-2","version":1}' };
    await second.complete(claim, later);
    expect(await first.claim(reused)).toEqual({ kind: 'replay', response: later });
  });

  it('sweeps expired records and only those', async () => {
    const scope = tenant();
    const old = request({ scope });
    await first.complete(await claimed(first, old), created);
    advance(TTL_MS);
    const fresh = request({ scope });
    await first.complete(await claimed(first, fresh), created);

    expect(await second.deleteExpired()).toBeGreaterThanOrEqual(1);
    expect(await first.purgeTenant(scopeTenantId(scope))).toBe(1);
  });

  it("purges every record of one tenant's keys and no other", async () => {
    const gone = tenant();
    const kept = tenant();
    await first.complete(await claimed(first, request({ scope: gone })), created);
    await claimed(first, request({ scope: gone, method: 'PATCH' }));
    const keptRequest = request({ scope: kept });
    await first.complete(await claimed(first, keptRequest), created);

    expect(await second.purgeTenant(scopeTenantId(gone))).toBe(2);
    expect(await second.purgeTenant(scopeTenantId(gone))).toBe(0);
    expect(await first.claim(keptRequest)).toEqual({ kind: 'replay', response: created });
  });
}

function scopeTenantId(scope: IdempotencyScope): string {
  if (scope.kind !== 'tenant') throw new Error('not a tenant scope');
  return scope.tenantId;
}
