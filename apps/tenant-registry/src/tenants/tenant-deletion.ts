import type { PoolClient } from 'pg';
import type { DeleteTenant } from '@platform/contracts';
import { decide } from '@platform/tenants-domain';
import { setCondition } from '../registry/conditions';
import type { RegistryDatabase } from '../registry/registry-database';
import type { TenantRecord } from '../registry/tenant-record';
import type { Caller } from './caller';
import type { Refusal } from './refusal';
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
 */
export async function requestTenantDeletion(
  db: RegistryDatabase,
  tenantId: string,
  caller: Caller,
  now: () => Date = () => new Date(),
): Promise<{ ok: true; tenant: TenantRecord } | { ok: false; refusal: Refusal }> {
  const { state } = await loadTenant(db.store, tenantId);
  const decision = decide({ type: 'DeleteTenant', data: { tenantId, purged: NOTHING_PURGED } }, state);
  if (!decision.ok) return { ok: false, refusal: decision.rejection };
  const known = await db.tenants.find(tenantId);
  if (known?.deletionRequestedAt !== undefined) return { ok: true, tenant: known };
  const at = now().toISOString();
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
      const current = await db.tenants.lockConditions(tx, tenantId);
      const conditions = setCondition(
        current,
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
  return { ok: true, tenant: result };
}
