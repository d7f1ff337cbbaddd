import { createHash } from 'node:crypto';
import { type AuditRecord, GENESIS_HASH } from './audit-record';
import { canonicalJson } from './canonical-json';
import { auditHash, hashedFields, serializeStates } from './hashing';
import { TENANT_A, buildChain } from './testing/chain-fixtures';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

describe('sealRecord', () => {
  it('starts a chain at sequence 1 on the genesis hash', () => {
    const [first] = buildChain(TENANT_A, 1);

    expect(first).toMatchObject({ sequence: 1, previousHash: GENESIS_HASH });
    expect(GENESIS_HASH).toMatch(/^0{64}$/);
  });

  it('links each record to the hash of the one before', () => {
    const chain = buildChain(TENANT_A, 3);

    expect(chain.map((record) => record.sequence)).toEqual([1, 2, 3]);
    expect(chain[1]?.previousHash).toBe(chain[0]?.hash);
    expect(chain[2]?.previousHash).toBe(chain[1]?.hash);
  });

  it('hashes the canonical JSON of every field but the hash, previousHash included', () => {
    const [record] = buildChain(TENANT_A, 1) as [AuditRecord];
    const { hash, ...rest } = record;

    expect(hash).toBe(sha256(canonicalJson(rest)));
    expect(Object.keys(rest).sort()).toEqual([
      'action',
      'actor',
      'correlationId',
      'newState',
      'occurredAt',
      'previousHash',
      'previousState',
      'requestId',
      'sequence',
      'target',
      'tenantId',
    ]);
  });

  it('keeps its hashing scheme: a fixed record has a fixed hash', () => {
    const [record] = buildChain(TENANT_A, 1) as [AuditRecord];

    // Computed independently (Python: json.dumps(sort_keys=True, separators=(',', ':')) + sha256).
    // If this changes, every stored chain stops verifying: change the scheme only with a migration.
    expect(record.hash).toBe('89f81b48f309dcbafe96acc85d4a8562637411325319b1d79d61b8aff327a084');
  });
});

describe('auditHash', () => {
  const [record] = buildChain(TENANT_A, 1) as [AuditRecord];

  it.each<[string, Partial<AuditRecord>]>([
    ['tenantId', { tenantId: '5b1f7c52-6a8e-4d3c-9f0a-1c2d3e4f5a6c' }],
    ['sequence', { sequence: 2 }],
    ['actor', { actor: 'user:mallory' }],
    ['action', { action: 'tenant.delete' }],
    ['target', { target: 'tenant/other' }],
    ['previousState', { previousState: { plan: 'free', step: 1 } }],
    ['newState', { newState: null }],
    ['requestId', { requestId: 'req-x' }],
    ['correlationId', { correlationId: 'corr-x' }],
    ['occurredAt', { occurredAt: '2026-01-01T00:00:01.001Z' }],
    ['previousHash', { previousHash: 'f'.repeat(64) }],
  ])('changes when %s changes', (_field, change) => {
    expect(auditHash({ ...record, ...change })).not.toBe(record.hash);
  });

  it('ignores properties that are not record fields, and the key order of states', () => {
    const listed = { ...record, verified: true, newState: { tags: ['a', 'b'], step: 1, plan: 'standard' } };

    expect(auditHash(listed)).toBe(record.hash);
  });
});

describe('auditHash composed around serialised states', () => {
  const [base] = buildChain(TENANT_A, 1) as [AuditRecord];

  it.each<[string, Partial<AuditRecord>]>([
    ['null states', { previousState: null, newState: null }],
    ['quotes, backslashes, controls and separators', { actor: 'a"b\\c\n\u2028', target: 'ü/🙂' }],
    ['nested states with unordered keys', { newState: { z: [1, { b: 2, a: [null, 'x'] }], a: -0.5 } }],
    ['a large sequence', { sequence: 9_007_199_254_740_991 }],
  ])('is the hash of the canonical JSON of the eleven fields: %s', (_name, change) => {
    const { hash: _hash, ...unsealed } = { ...base, ...change };

    expect(auditHash(unsealed)).toBe(sha256(canonicalJson(hashedFields(unsealed))));
    expect(auditHash(unsealed, serializeStates(unsealed))).toBe(auditHash(unsealed));
  });
});
