import type { TenantIsolation, TenantPlan, TenantStatus } from '@platform/contracts';
import type { Condition } from './conditions';

/** A tenant as the registry shows it (`GET /v1/tenants/{id}`). */
export interface TenantRecord {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly status: TenantStatus;
  readonly plan: TenantPlan;
  readonly isolation: TenantIsolation;
  readonly region: string;
  /** Number of events in the tenant's stream. */
  readonly version: number;
  /** Version of the last manifest accepted; 0 before the first. */
  readonly manifestVersion: number;
  readonly manifestHash?: string;
  readonly conditions: readonly Condition[];
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Set by `DELETE`: the controller is purging the tenant. */
  readonly deletionRequestedAt?: string;
}

/** What the controller keeps beside the record: deletion progress and the retry schedule. */
export interface ReconcileState {
  readonly deletionRequestedAt?: Date;
  /** Who asked for the deletion, so that the purge is audited in the same conversation. */
  readonly deletionRequestedBy?: RequestOrigin;
  readonly deletionCompletedAt?: Date;
  readonly purgeReport: PurgeReport;
  readonly reconcileAttempts: number;
}

/** What the controller purged so far for a tenant being deleted (counts add up across retries). */
export interface PurgeReport {
  readonly events?: number;
  readonly streams?: number;
  /** Objects the storage owners removed (schemas, databases, rows), as they reported them. */
  readonly readModels?: number;
  /** What each owner reported it removed. */
  readonly storage?: string;
  /** Set once the owners were asked to purge (on `tenants.storage`). */
  readonly ownersAsked?: boolean;
  readonly webhookSubscriptions?: number;
  readonly webhookDeliveries?: number;
  readonly deadLetters?: number;
  readonly apiKeysRevoked?: number;
  /** Usage counters (orders per month, ...) removed. */
  readonly quotaCounters?: number;
  /** Idempotency-Key records (claims and kept answers) of its requests removed. */
  readonly idempotencyRecords?: number;
  /** Sequence of the platform-chain `audit.purge` record, once the tenant's audit chain is purged. */
  readonly auditPurgeSequence?: number;
  readonly auditRecords?: number;
}

/** The request a piece of the controller's work comes from. */
export interface RequestOrigin {
  readonly actor: string;
  readonly requestId: string;
  readonly correlationId: string;
}
