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

/** A record's states as canonical JSON, serialised once for its hash and its row. */
export interface SerializedStates {
  readonly previous: string;
  readonly next: string;
}

export const serializeStates = (
  record: Pick<AuditRecord, 'previousState' | 'newState'>,
): SerializedStates => ({
  previous: canonicalJson(record.previousState),
  next: canonicalJson(record.newState),
});

/**
 * SHA-256 (lower-case hex) of the canonical JSON of every field of `record` but `hash`. Fields are
 * picked by name, so extra properties (such as `verified` on a listed record) never change the hash.
 * The text is composed around the states' canonical JSON (`states`, serialised here when not
 * given): the same text as `canonicalJson` of the eleven fields, whose names sort as written below.
 */
export function auditHash(
  record: UnsealedAuditRecord,
  states: SerializedStates = serializeStates(record),
): string {
  const text =
    `{"action":${canonicalJson(record.action)},"actor":${canonicalJson(record.actor)}` +
    `,"correlationId":${canonicalJson(record.correlationId)},"newState":${states.next}` +
    `,"occurredAt":${canonicalJson(record.occurredAt)},"previousHash":${canonicalJson(record.previousHash)}` +
    `,"previousState":${states.previous},"requestId":${canonicalJson(record.requestId)}` +
    `,"sequence":${canonicalJson(record.sequence)},"target":${canonicalJson(record.target)}` +
    `,"tenantId":${canonicalJson(record.tenantId)}}`;
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The fields {@link auditHash} covers, as one object: its text is `canonicalJson` of this. */
export function hashedFields(record: UnsealedAuditRecord): UnsealedAuditRecord {
  return {
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
}

/** Places `content` after `head` (or first, when the chain is empty) and computes its hash. */
export function sealRecord(
  head: ChainHead | null,
  content: AuditRecordContent,
  states: SerializedStates = serializeStates(content),
): AuditRecord {
  const unsealed: UnsealedAuditRecord = {
    ...content,
    sequence: head === null ? 1 : head.sequence + 1,
    previousHash: head === null ? GENESIS_HASH : head.hash,
  };
  return { ...unsealed, hash: auditHash(unsealed, states) };
}
