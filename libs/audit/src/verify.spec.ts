import type { AuditRecord } from './audit-record';
import { auditHash } from './hashing';
import { TENANT_A, TENANT_B, buildChain } from './testing/chain-fixtures';
import { ChainVerifier, markVerified, verifyChain } from './verify';

/** The chain with record `sequence` replaced by `edit(record)`. */
const editing = (
  chain: AuditRecord[],
  sequence: number,
  edit: (record: AuditRecord) => AuditRecord,
): AuditRecord[] => chain.map((record) => (record.sequence === sequence ? edit(record) : record));

/** Recomputes the hash after an edit, as a forger would. */
const rehashed = (record: AuditRecord): AuditRecord => ({ ...record, hash: auditHash(record) });

describe('verifyChain', () => {
  const chain = buildChain(TENANT_A, 5);

  it('accepts an intact chain and an empty one', () => {
    expect(verifyChain(TENANT_A, chain)).toEqual({ valid: true, checked: 5 });
    expect(verifyChain(TENANT_A, [])).toEqual({ valid: true, checked: 0 });
  });

  it('detects an edited field', () => {
    const tampered = editing(chain, 3, (record) => ({ ...record, newState: { plan: 'enterprise' } }));

    expect(verifyChain(TENANT_A, tampered)).toMatchObject({
      valid: false,
      checked: 3,
      firstInvalidSequence: 3,
      reason: 'hash-mismatch',
    });
  });

  it('detects an edited field whose hash was recomputed, at the next record', () => {
    const tampered = editing(chain, 3, (record) => rehashed({ ...record, actor: 'user:mallory' }));

    expect(verifyChain(TENANT_A, tampered)).toMatchObject({
      valid: false,
      firstInvalidSequence: 4,
      reason: 'previous-hash-mismatch',
    });
  });

  it('detects a removed record', () => {
    const removed = chain.filter((record) => record.sequence !== 3);

    expect(verifyChain(TENANT_A, removed)).toMatchObject({
      valid: false,
      checked: 3,
      firstInvalidSequence: 4,
      reason: 'sequence-mismatch',
      detail: 'expected sequence 3, found 4',
    });
  });

  it('detects a removed record even when the later ones were renumbered and rehashed', () => {
    const [first, second, , fourth] = chain as [AuditRecord, AuditRecord, AuditRecord, AuditRecord];
    const renumbered = rehashed({ ...fourth, sequence: 3 });

    expect(verifyChain(TENANT_A, [first, second, renumbered])).toMatchObject({
      valid: false,
      firstInvalidSequence: 3,
      reason: 'previous-hash-mismatch',
    });
  });

  it('detects a reordered pair', () => {
    const [first, second, third, ...rest] = chain as [AuditRecord, AuditRecord, AuditRecord];
    const reordered = [first, third, second, ...rest];

    expect(verifyChain(TENANT_A, reordered)).toMatchObject({
      valid: false,
      checked: 2,
      firstInvalidSequence: 3,
      reason: 'sequence-mismatch',
    });
  });

  it('detects a chain that does not start at the genesis', () => {
    expect(verifyChain(TENANT_A, chain.slice(1))).toMatchObject({
      valid: false,
      firstInvalidSequence: 2,
      reason: 'sequence-mismatch',
    });
    const forgedStart = editing(chain, 1, (record) => rehashed({ ...record, previousHash: 'a'.repeat(64) }));
    expect(verifyChain(TENANT_A, forgedStart)).toMatchObject({
      firstInvalidSequence: 1,
      reason: 'previous-hash-mismatch',
    });
  });

  it("detects another tenant's record, even a valid one", () => {
    expect(verifyChain(TENANT_B, chain)).toMatchObject({
      valid: false,
      checked: 1,
      firstInvalidSequence: 1,
      reason: 'tenant-mismatch',
    });
  });
});

describe('ChainVerifier', () => {
  it('gives the same result in batches as in one go, and stops at the first failure', () => {
    const tampered = editing(buildChain(TENANT_A, 7), 5, (record) => ({ ...record, target: 'x' }));
    const verifier = new ChainVerifier(TENANT_A);

    expect(verifier.push(tampered.slice(0, 3))).toBe(true);
    expect(verifier.push(tampered.slice(3, 6))).toBe(false);
    expect(verifier.push(tampered.slice(6))).toBe(false);
    expect(verifier.result()).toEqual(verifyChain(TENANT_A, tampered));
    expect(verifier.result()).toMatchObject({ checked: 5, firstInvalidSequence: 5 });
  });
});

describe('markVerified', () => {
  const chain = buildChain(TENANT_A, 5);
  const flags = (records: { verified: boolean }[]): boolean[] => records.map((record) => record.verified);

  it('marks every record of an intact window, from the start or after a known record', () => {
    expect(flags(markVerified(TENANT_A, chain, null))).toEqual([true, true, true, true, true]);
    expect(flags(markVerified(TENANT_A, chain.slice(2), chain[1] ?? null))).toEqual([true, true, true]);
  });

  it('marks only the records that fail their own checks', () => {
    const tampered = editing(chain, 2, (record) => ({ ...record, requestId: 'forged' }));

    expect(flags(markVerified(TENANT_A, tampered, null))).toEqual([true, false, true, true, true]);
  });

  it('marks the record after a gap, and the first record when its predecessor is missing', () => {
    const gap = chain.filter((record) => record.sequence !== 3);

    expect(flags(markVerified(TENANT_A, gap, null))).toEqual([true, true, false, true]);
    expect(flags(markVerified(TENANT_A, chain.slice(3), 'missing'))).toEqual([false, true]);
  });

  it('keeps every field of the record', () => {
    const [marked] = markVerified(TENANT_A, chain.slice(0, 1), null);

    expect(marked).toEqual({ ...chain[0], verified: true });
  });
});
