import type { PoolClient } from 'pg';
import { ifMatchHolds, type DeleteTenant, type EntityTagCondition } from '@platform/contracts';
import { decide, type TenantState } from '@platform/tenants-domain';
import { type Refusal, versionMismatch } from '@platform/command-handling';
import { setCondition } from '../registry/conditions';
import type { RegistryDatabase } from '../registry/registry-database';
import type { TenantRecord } from '../registry/tenant-record';
import type { Caller } from './caller';
import { RefusedInTransaction } from './refused-in-transaction';
import { tenantSubject } from './tenant-refusals';
import { existingJson, tenantStateJson, tenantTarget } from './tenant-audit';
import { loadTenant } from './tenant-stream';

/** Nothing purged yet: what asking the decider whether the tenant may be deleted at all takes. */
const NOTHING_PURGED: DeleteTenant['data']['purged'] = {
  events: 0,
  readModels: 0,
  checkpoints: 0,
  deadLetters: 0,
  idempotencyRecords: 0,
};

/**
 * `DELETE /v1/tenants/{id}`: the decider says whether the tenant may be deleted (only when
 * archived); if so the request is recorded (audited) and the controller purges the tenant's data,
 * then records `TenantDeleted` with what it purged. Asking again while it works changes nothing.
 *
 * With `ifMatch` (ADR 0011), a tenant at another version is refused (`versionMismatch`, 412): as
 * loaded, and again under the lock of its row, which every change of the tenant takes to commit.
 */
export async function requestTenantDeletion(
  db: RegistryDatabase,
  tenantId: string,
  caller: Caller,
  options: { readonly now?: () => Date; readonly ifMatch?: EntityTagCondition } = {},
): Promise<{ ok: true; tenant: TenantRecord } | { ok: false; refusal: Refusal }> {
  const { now = () => new Date(), ifMatch } = options;
  const { state, streamVersion } = await loadTenant(db.store, tenantId);
  if (ifMatch !== undefined && !ifMatchHolds(ifMatch, streamVersion)) {
    return { ok: false, refusal: versionMismatch(tenantSubject(tenantId), ifMatch, streamVersion) };
  }
  const decision = decide({ type: 'DeleteTenant', data: { tenantId, purged: NOTHING_PURGED } }, state);
  if (!decision.ok) return { ok: false, refusal: decision.rejection };
  const known = await db.tenants.find(tenantId);
  if (known?.deletionRequestedAt !== undefined) return { ok: true, tenant: known };
  const at = now().toISOString();
  try {
    return { ok: true, tenant: await recordDeletionRequest(db, tenantId, caller, state, at, ifMatch) };
  } catch (error) {
    if (error instanceof RefusedInTransaction) return { ok: false, refusal: error.refusal };
    throw error;
  }
}

async function recordDeletionRequest(
  db: RegistryDatabase,
  tenantId: string,
  caller: Caller,
  state: TenantState,
  at: string,
  ifMatch: EntityTagCondition | undefined,
): Promise<TenantRecord> {
  const { result } = await db.audit.withAudit(
    tenantId,
    () => ({
      actor: caller.actor,
      action: 'tenant.request-deletion',
      target: tenantTarget(tenantId),
      previousState: tenantStateJson(state),
      newState: state.status === 'none' ? null : { ...existingJson(state), deletionRequestedAt: at },
      requestId: caller.requestId,
      correlationId: caller.correlationId,
      occurredAt: at,
    }),
    async (tx: PoolClient) => {
      const locked = await db.tenants.lock(tx, tenantId);
      const version = locked?.version ?? 0;
      if (ifMatch !== undefined && !ifMatchHolds(ifMatch, version)) {
        throw new RefusedInTransaction(versionMismatch(tenantSubject(tenantId), ifMatch, version));
      }
      const conditions = setCondition(
        locked?.conditions ?? [],
        {
          type: 'Deleting',
          status: 'Unknown',
          reason: 'DeletionRequested',
          message: 'waiting for the tenant controller',
        },
        at,
      );
      const { actor, requestId, correlationId } = caller;
      return db.tenants.requestDeletion(tx, tenantId, at, { actor, requestId, correlationId }, conditions);
    },
  );
  return result;
}
