// The audit record: what every control-plane change and every command leaves behind (contract §8).

/** A JSON value as stored in `previousState` / `newState`. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** `previousHash` of the first record of every chain: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Tenant id of the platform's own chain (the nil UUID). Records that concern no single tenant live
 * here, such as the trace of a {@link AuditLog.purgeTenant}.
 */
export const PLATFORM_TENANT_ID = '00000000-0000-0000-0000-000000000000';

/** What a caller states about one change; the log adds tenant, sequence and hashes. */
export interface AuditEntry {
  /** Who did it, e.g. `user:<sub>`, `api-key:<id>`, `service:tenant-controller`. */
  actor: string;
  /** Dotted name of what was done, e.g. `tenant.suspend`, `command.orders.CreateOrder`. */
  action: string;
  /** What it was done to, e.g. `tenant/<id>`, `order/<id>`. */
  target: string;
  /** State before the change; `null` when the target did not exist. */
  previousState: JsonValue;
  /** State after the change; `null` when the target no longer exists. */
  newState: JsonValue;
  requestId: string;
  correlationId: string;
  /** When the change happened (from the command metadata); the log's clock when omitted. */
  occurredAt?: Date | string;
}

/** An entry addressed to one tenant's chain: the argument of {@link AuditLog.append}. */
export interface NewAuditRecord extends AuditEntry {
  tenantId: string;
}

/**
 * A stored record. `hash` is the SHA-256 (hex) of the canonical JSON of every other field, so it
 * covers `previousHash`, which is the `hash` of the record before (or {@link GENESIS_HASH}).
 */
export interface AuditRecord {
  /** Lower-case UUID. */
  tenantId: string;
  /** 1, 2, 3 … per tenant, without gaps. */
  sequence: number;
  actor: string;
  action: string;
  target: string;
  previousState: JsonValue;
  newState: JsonValue;
  requestId: string;
  correlationId: string;
  /** ISO 8601 UTC with milliseconds, e.g. `2026-01-01T00:00:00.000Z`. */
  occurredAt: string;
  previousHash: string;
  hash: string;
}

/** A listed record with the result of checking its own hash and its link to the record before it. */
export interface VerifiedAuditRecord extends AuditRecord {
  verified: boolean;
}

/** Why a chain does not verify; see {@link ChainVerification}. */
export type ChainBreakReason =
  'tenant-mismatch' | 'sequence-mismatch' | 'previous-hash-mismatch' | 'hash-mismatch';

/** Result of walking a chain from sequence 1, stopping at the first record that fails a check. */
export interface ChainVerification {
  valid: boolean;
  /** Records examined, including the first invalid one. */
  checked: number;
  /** Sequence (as stored) of the first record that failed a check. */
  firstInvalidSequence?: number;
  reason?: ChainBreakReason;
  /** Human-readable explanation of `reason`. */
  detail?: string;
}
