import { createHash } from 'node:crypto';
import { type AuditRecord, GENESIS_HASH } from './audit-record';
import { canonicalJson } from './canonical-json';

/** A record before it is sealed: every field but `hash`. */
export type UnsealedAuditRecord = Omit<AuditRecord, 'hash'>;

/** A record to be chained: its content, without position or hashes. */
export type AuditRecordContent = Omit<AuditRecord, 'sequence' | 'previousHash' | 'hash'>;

/** The last record of a chain, as far as chaining is concerned. */
export interface ChainHead {
  sequence: number;
  hash: string;
}

/**
 * SHA-256 (lower-case hex) of the canonical JSON of every field of `record` but `hash`. Fields are
 * picked by name, so extra properties (such as `verified` on a listed record) never change the hash.
 */
export function auditHash(record: UnsealedAuditRecord): string {
  const hashed: UnsealedAuditRecord = {
    tenantId: record.tenantId,
    sequence: record.sequence,
    actor: record.actor,
    action: record.action,
    target: record.target,
    previousState: record.previousState,
    newState: record.newState,
    requestId: record.requestId,
    correlationId: record.correlationId,
    occurredAt: record.occurredAt,
    previousHash: record.previousHash,
  };
  return createHash('sha256').update(canonicalJson(hashed), 'utf8').digest('hex');
}

/** Places `content` after `head` (or first, when the chain is empty) and computes its hash. */
export function sealRecord(head: ChainHead | null, content: AuditRecordContent): AuditRecord {
  const unsealed: UnsealedAuditRecord = {
    ...content,
    sequence: head === null ? 1 : head.sequence + 1,
    previousHash: head === null ? GENESIS_HASH : head.hash,
  };
  return { ...unsealed, hash: auditHash(unsealed) };
}
