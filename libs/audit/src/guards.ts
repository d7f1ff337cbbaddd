import { isUuid } from '@platform/contracts';
import type { NewAuditRecord } from './audit-record';
import { assertJsonValue } from './canonical-json';
import type { AuditRecordContent } from './hashing';

// Checks and normalisation of what callers hand to the log. Each throws a TypeError. The bounds are
// mirrored by CHECK constraints in schema.sql.ts, so the table refuses what the code would refuse.

export const LIMITS = { actor: 256, action: 200, target: 512, requestId: 256, correlationId: 256 } as const;

/** Dotted, at least two segments: `tenant.suspend`, `command.orders.CreateOrder`. */
export const ACTION_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)+$/;

/** Lower-cases a UUID (PostgreSQL returns uuids lower-case, and the hash covers the text). */
export function toTenantId(tenantId: unknown): string {
  if (!isUuid(tenantId)) throw new TypeError(`tenantId must be a UUID; got ${JSON.stringify(tenantId)}`);
  return tenantId.toLowerCase();
}

export function toAuditRecordContent(record: NewAuditRecord, now: () => Date): AuditRecordContent {
  // Refuses anything JSON cannot represent before it reaches the hash or the database.
  assertJsonValue(record.previousState);
  assertJsonValue(record.newState);
  if (typeof record.action !== 'string' || !ACTION_PATTERN.test(record.action)) {
    throw new TypeError(`action must be dotted like 'tenant.suspend'; got ${JSON.stringify(record.action)}`);
  }
  return {
    tenantId: toTenantId(record.tenantId),
    actor: text('actor', record.actor),
    action: text('action', record.action),
    target: text('target', record.target),
    previousState: record.previousState,
    newState: record.newState,
    requestId: text('requestId', record.requestId),
    correlationId: text('correlationId', record.correlationId),
    occurredAt: toOccurredAt(record.occurredAt ?? now()),
  };
}

function text(field: keyof typeof LIMITS, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > LIMITS[field]) {
    throw new TypeError(`${field} must be a non-blank string of at most ${LIMITS[field]} characters`);
  }
  return value;
}

/** ISO 8601 UTC with milliseconds: the form a timestamptz column gives back via Date#toISOString. */
export function toOccurredAt(value: Date | string): string {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  const iso = date === undefined || Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  if (iso === undefined || !/^(?!0000)\d{4}-/.test(iso)) {
    throw new TypeError(`occurredAt must be a valid date between years 1 and 9999; got ${String(value)}`);
  }
  return iso;
}
