import type { AuditRecord, JsonValue } from '../audit-record';
import { canonicalJson } from '../canonical-json';
import type { SerializedStates } from '../hashing';

/** A row of `records` as node-postgres returns it (bigint as text, jsonb parsed, timestamptz as Date). */
export interface RecordRow {
  tenant_id: string;
  sequence: string;
  actor: string;
  action: string;
  target: string;
  previous_state: JsonValue;
  new_state: JsonValue;
  request_id: string;
  correlation_id: string;
  occurred_at: Date;
  previous_hash: string;
  hash: string;
}

export const RECORD_COLUMNS =
  'tenant_id, sequence, actor, action, target, previous_state, new_state, request_id, correlation_id, ' +
  'occurred_at, previous_hash, hash';

export function toSafeInteger(value: string | number, column: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number))
    throw new RangeError(`${column} ${value} exceeds Number.MAX_SAFE_INTEGER`);
  return number;
}

export function toAuditRecord(row: RecordRow): AuditRecord {
  return {
    tenantId: row.tenant_id,
    sequence: toSafeInteger(row.sequence, 'sequence'),
    actor: row.actor,
    action: row.action,
    target: row.target,
    previousState: row.previous_state,
    newState: row.new_state,
    requestId: row.request_id,
    correlationId: row.correlation_id,
    occurredAt: row.occurred_at.toISOString(),
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}

/**
 * Parameters of the insert, in RECORD_COLUMNS order. JSON goes as text: pg would turn arrays into SQL
 * arrays. A JSON null is stored as SQL NULL; both read back as null, so the hash is unaffected.
 * `states`: the states' canonical JSON when the caller has it already.
 */
export function toInsertValues(record: AuditRecord, states?: SerializedStates): unknown[] {
  return [
    record.tenantId,
    record.sequence,
    record.actor,
    record.action,
    record.target,
    record.previousState === null ? null : (states?.previous ?? canonicalJson(record.previousState)),
    record.newState === null ? null : (states?.next ?? canonicalJson(record.newState)),
    record.requestId,
    record.correlationId,
    record.occurredAt,
    record.previousHash,
    record.hash,
  ];
}
