import { outcomeForExisting, scopeKey } from './idempotency-store';

describe('outcomeForExisting', () => {
  it.each([
    [{ fingerprint: 'a', state: 'completed' }, 'a', 'replay'],
    [{ fingerprint: 'a', state: 'in-flight' }, 'a', 'in-flight'],
    [{ fingerprint: 'a', state: 'completed' }, 'b', 'mismatch'],
    [{ fingerprint: 'a', state: 'in-flight' }, 'b', 'mismatch'],
  ] as const)('%j met by fingerprint %s: %s', (existing, fingerprint, expected) => {
    expect(outcomeForExisting(existing, fingerprint)).toBe(expected);
  });
});

describe('scopeKey', () => {
  it('names a tenant scope by its lower-case id and a caller scope by its subject', () => {
    expect(scopeKey({ kind: 'tenant', tenantId: 'AAAAAAAA-0000-4000-8000-000000000001' })).toBe(
      'tenant:aaaaaaaa-0000-4000-8000-000000000001',
    );
    expect(scopeKey({ kind: 'subject', subject: 'api-key:k1' })).toBe('subject:api-key:k1');
  });

  it('never lets a caller named like a tenant share its scope', () => {
    const tenantId = 'aaaaaaaa-0000-4000-8000-000000000001';
    expect(scopeKey({ kind: 'subject', subject: `tenant:${tenantId}` })).not.toBe(
      scopeKey({ kind: 'tenant', tenantId }),
    );
  });
});
