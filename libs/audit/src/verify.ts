import {
  type AuditRecord,
  type ChainBreakReason,
  type ChainVerification,
  GENESIS_HASH,
  type VerifiedAuditRecord,
} from './audit-record';
import { type ChainHead, auditHash } from './hashing';

// Pure chain checks, shared by the PostgreSQL log and by anyone holding an exported list of records.

interface ChainBreak {
  reason: ChainBreakReason;
  detail: string;
}

/**
 * Checks one record against the record before it (`null`: it must be the first of the chain):
 * tenant, sequence, link (`previousHash`) and its own hash, in that order.
 */
export function checkRecord(
  tenantId: string,
  record: AuditRecord,
  previous: ChainHead | null,
): ChainBreak | undefined {
  if (record.tenantId !== tenantId) {
    return { reason: 'tenant-mismatch', detail: `record belongs to tenant ${record.tenantId}` };
  }
  const expectedSequence = previous === null ? 1 : previous.sequence + 1;
  if (record.sequence !== expectedSequence) {
    return {
      reason: 'sequence-mismatch',
      detail: `expected sequence ${expectedSequence}, found ${record.sequence}`,
    };
  }
  const expectedPreviousHash = previous === null ? GENESIS_HASH : previous.hash;
  if (record.previousHash !== expectedPreviousHash) {
    return {
      reason: 'previous-hash-mismatch',
      detail: `previousHash does not match the hash of record ${expectedSequence - 1}`,
    };
  }
  if (record.hash !== auditHash(record)) {
    return { reason: 'hash-mismatch', detail: 'hash does not match the record content' };
  }
  return undefined;
}

/**
 * Walks a chain from its first record, a batch at a time, and stops at the first record that fails
 * a check (later records are not examined).
 */
export class ChainVerifier {
  private previous: ChainHead | null = null;
  private checked = 0;
  private failure: { sequence: number; reason: ChainBreakReason; detail: string } | undefined;

  constructor(private readonly tenantId: string) {}

  /** Checks the next records; returns false once the chain is known to be invalid. */
  push(records: readonly AuditRecord[]): boolean {
    for (const record of records) {
      if (this.failure !== undefined) return false;
      this.checked += 1;
      const failure = checkRecord(this.tenantId, record, this.previous);
      if (failure !== undefined) {
        this.failure = { sequence: record.sequence, ...failure };
        return false;
      }
      this.previous = { sequence: record.sequence, hash: record.hash };
    }
    return this.failure === undefined;
  }

  result(): ChainVerification {
    if (this.failure === undefined) return { valid: true, checked: this.checked };
    const { sequence, reason, detail } = this.failure;
    return { valid: false, checked: this.checked, firstInvalidSequence: sequence, reason, detail };
  }
}

/**
 * Verifies a whole chain held in memory, oldest first.
 *
 * @example
 * const result = verifyChain(tenantId, exportedRecords);
 * if (!result.valid) console.error(`broken at ${result.firstInvalidSequence}: ${result.reason}`);
 */
export function verifyChain(tenantId: string, records: readonly AuditRecord[]): ChainVerification {
  const verifier = new ChainVerifier(tenantId);
  verifier.push(records);
  return verifier.result();
}

/**
 * Marks each record of a window of a chain: `verified` when its own hash matches its content and it
 * links to the record before it. `previous` is the record before the window: `null` when the window
 * starts the chain, `'missing'` when that record should exist but does not.
 */
export function markVerified(
  tenantId: string,
  records: readonly AuditRecord[],
  previous: ChainHead | null | 'missing',
): VerifiedAuditRecord[] {
  let before = previous;
  return records.map((record) => {
    const verified = before !== 'missing' && checkRecord(tenantId, record, before) === undefined;
    before = { sequence: record.sequence, hash: record.hash };
    return { ...record, verified };
  });
}
