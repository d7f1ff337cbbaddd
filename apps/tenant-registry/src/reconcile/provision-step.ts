import type { DraftTenant } from '@platform/tenants-domain';
import { setConditions, type ConditionUpdate } from '../registry/conditions';
import { convergeToManifest } from '../manifests/converge-to-manifest';
import type { Caller } from '../tenants/caller';
import type { TenantChange } from '../tenants/tenant-commands';
import { provisioningConditions, waitingFor } from './owner-conditions';
import { provisioningSeconds } from './reconcile-metrics';
import type { ReconcileDeps } from './reconcile-deps';

/** A step's outcome: the change it recorded, or the conditions to show while owners are pending. */
export type StepOutcome = TenantChange | { readonly waiting: readonly ConditionUpdate[] };

/**
 * `draft → active`: every service that owns per-tenant storage provisions its own when it sees
 * `TenantCreated`, and reports (ADR 0031); once every owner has, this records `TenantActivated`.
 * Until then it says which owners are pending. Idempotent: a crash before the activation ends, on
 * the next attempt, in one activation.
 */
export async function provisionStep(
  deps: ReconcileDeps,
  tenant: DraftTenant,
  attempt: number,
  caller: Caller,
): Promise<StepOutcome> {
  const progress = await deps.storage.provisioned(tenant.id);
  const owners = provisioningConditions(progress);
  if (progress.pending.length > 0)
    return { waiting: [...owners, waitingFor('Provisioned', progress, attempt)] };
  const description = progress.reported.map((report) => `${report.owner}: ${report.provisioned}`).join('; ');
  const record = await deps.db.tenants.find(tenant.id);
  const seconds = record ? (deps.now().getTime() - Date.parse(record.createdAt)) / 1000 : 0;
  provisioningSeconds.observe({ isolation: tenant.isolation }, Math.max(seconds, 0));
  deps.logger.info(
    { tenantId: tenant.id, isolation: tenant.isolation, attempt, owners: progress.reported.length },
    `tenant storage provisioned by every owner: ${description}`,
  );
  const change = await deps.commands.execute(
    { type: 'ActivateTenant', data: { tenantId: tenant.id } },
    caller,
    {
      conditions: (conditions, now) =>
        setConditions(
          conditions,
          [
            ...owners,
            {
              type: 'Provisioned',
              status: 'True',
              reason: 'StorageReady',
              message: description === '' ? 'no storage owner to wait for' : description,
              attempts: attempt,
            },
          ],
          now,
        ),
      within: (tx) => deps.db.tenants.resetRetry(tx, tenant.id),
    },
  );
  if (change.ok) {
    const converged = await convergeToManifest(deps.db.store, deps.commands, tenant.id, caller);
    if (!converged.ok) {
      deps.logger.warn(
        { tenantId: tenant.id, refusal: converged.refusal },
        'tenant does not follow its manifest',
      );
    }
  }
  return change;
}
