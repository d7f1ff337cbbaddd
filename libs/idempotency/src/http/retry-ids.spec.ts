import { UUID_PATTERN } from '@platform/contracts';
import type { IdempotentRequest } from '../idempotency-store';
import { PendingClaims } from './pending-claims';
import { retryIds } from './retry-ids';

const request: IdempotentRequest = {
  scope: { kind: 'tenant', tenantId: 'aaaaaaaa-0000-4000-8000-000000000001' },
  method: 'POST',
  path: '/v1/orders',
  key: 'key-1',
  fingerprint: 'f'.repeat(64),
};

describe('retryIds', () => {
  it('gives a retry of the same keyed request the same ids, one per purpose', () => {
    const first = retryIds(request);
    const retry = retryIds({ ...request });

    expect(retry('command')).toBe(first('command'));
    expect(retry('order')).toBe(first('order'));
    expect(first('order')).not.toBe(first('command'));
  });

  it('gives UUIDs of version 8 with the RFC 9562 variant', () => {
    const id = retryIds(request)('command');

    expect(id).toMatch(UUID_PATTERN);
    expect(id[14]).toBe('8');
    expect('89ab').toContain(id[19]);
  });

  it.each<[string, Partial<IdempotentRequest>]>([
    ['another tenant', { scope: { kind: 'tenant', tenantId: 'bbbbbbbb-0000-4000-8000-000000000002' } }],
    ['a caller scope', { scope: { kind: 'subject', subject: 'ops' } }],
    ['another method', { method: 'PUT' }],
    ['another path', { path: '/v1/orders/x/items' }],
    ['another key', { key: 'key-2' }],
    ['another body', { fingerprint: 'e'.repeat(64) }],
  ])('gives other ids to %s', (_, change) => {
    expect(retryIds({ ...request, ...change })('command')).not.toBe(retryIds(request)('command'));
  });

  it('gives fresh random ids to a request without a key', () => {
    const ids = retryIds(undefined);

    expect(ids('command')).toMatch(UUID_PATTERN);
    expect(ids('command')).not.toBe(ids('command'));
  });
});

describe('PendingClaims.idsFor', () => {
  it('names the work of a request that holds a claim by its key, and keeps the claim', () => {
    const claims = new PendingClaims();
    const http = {};
    claims.hold(http, { request, token: 't' });

    expect(claims.idsFor(http)('order')).toBe(retryIds(request)('order'));
    expect(claims.take(http)).toEqual({ request, token: 't' });
  });

  it('gives random ids to a request without a claim', () => {
    expect(new PendingClaims().idsFor({})('order')).not.toBe(new PendingClaims().idsFor({})('order'));
  });
});
