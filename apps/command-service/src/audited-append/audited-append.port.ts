import type { AuditEntry } from '@platform/audit';
import type { AppendResult, ExpectedVersion, NewEvent } from '@platform/event-store';
import type { Refusal } from '@platform/command-handling';

/** Token of the {@link AuditedAppend} port. */
export const AUDITED_APPEND = Symbol('AUDITED_APPEND');

/** A unit of a plan quota that a change costs, e.g. one of the month's orders. */
export interface QuotaCharge {
  /** The usage counter, e.g. `orders`. */
  readonly metric: string;
  /** The tenant plan's quota for the month. */
  readonly limit: number;
  /** When the change happens: picks the UTC month. */
  readonly at: Date;
}

export interface AuditedAppendRequest {
  readonly tenantId: string;
  readonly streamName: string;
  readonly events: readonly NewEvent[];
  readonly expectedVersion: ExpectedVersion;
  /** The audit record of the change (contract §8). */
  readonly record: AuditEntry;
  /** The audit record of the command if it is refused after all (its quota is used up). */
  readonly refusedRecord: (refusal: Refusal) => AuditEntry;
  /** The quota unit the change costs; none when absent. */
  readonly quota?: QuotaCharge;
  /** The plan's storage in bytes: the change is refused while the tenant's last measure is past it. */
  readonly storageLimitBytes?: number;
}

export type AuditedAppendOutcome =
  { readonly ok: true; readonly result: AppendResult } | { readonly ok: false; readonly refusal: Refusal };

/**
 * Appends a command's events together with its audit record, on the tenant's chain that the
 * registry serves at `GET /v1/tenants/{id}/audit`, and takes the quota unit the change costs. No
 * record, no events (contract §8). How strongly depends on the adapter (ADR 0009):
 * - PostgreSQL ({@link GroupCommitAuditedAppend}): quota, events and record in ONE transaction, shared
 *   with the other commands of its group (ADR 0018);
 * - EventStoreDB ({@link AuditFirstAuditedAppend}): quota and record first, then the events.
 *
 * `append` throws `WrongExpectedVersionError` when the stream moved (nothing is kept: re-read and
 * decide again) and any other error when the change could not be made and recorded.
 *
 * @example
 * const outcome = await audited.append({
 *   tenantId, streamName: `order-${orderId}`, events, expectedVersion: 'no-stream',
 *   record: { actor, action: 'order.create', target: `order/${orderId}`, previousState: null,
 *             newState, requestId, correlationId, occurredAt },
 *   refusedRecord: (refusal) => ({ ...sameButRefused, newState: { refusal } }),
 *   quota: { metric: 'orders', limit: 1_000, at: new Date(occurredAt) },
 * });
 * if (!outcome.ok) return outcome.refusal; // 429 quota-exceeded, with Retry-After
 */
export interface AuditedAppend {
  /**
   * True when a version conflict is found before anything else is decided or written (a quota or
   * storage refusal, a record): a change may then be decided on a presumed state (a create's empty
   * stream, unread), since a stream that exists after all comes back as a conflict.
   */
  readonly checksVersionFirst: boolean;
  append(request: AuditedAppendRequest): Promise<AuditedAppendOutcome>;
  /** Records a command refused before any change (a business rule): the audit record alone. */
  recordRefusal(tenantId: string, record: AuditEntry): Promise<void>;
}
