import { performance } from 'node:perf_hooks';
import type { DraftTenant } from '@platform/tenants-domain';
import { setCondition } from '../registry/conditions';
import { convergeToManifest } from '../manifests/converge-to-manifest';
import type { Caller } from '../tenants/caller';
import type { TenantChange } from '../tenants/tenant-commands';
import { provisioningSeconds } from './reconcile-metrics';
import type { ReconcileDeps } from './reconcile-deps';

/**
 * `draft → active`: provisions the tenant's read-model storage for its isolation mode, then records
 * `TenantActivated`. Both halves are idempotent, so a crash between them ends, on the next attempt,
 * in the same place: storage provisioned (again, a no-op) and one activation.
 */
export async function provisionStep(
  deps: ReconcileDeps,
  tenant: DraftTenant,
  attempt: number,
  caller: Caller,
): Promise<TenantChange> {
  const started = performance.now();
  const { description } = await deps.storage.provision(tenant.id, tenant.isolation);
  const seconds = (performance.now() - started) / 1000;
  provisioningSeconds.observe({ isolation: tenant.isolation }, seconds);
  deps.logger.info(
    { tenantId: tenant.id, isolation: tenant.isolation, attempt, ms: Math.round(seconds * 1000) },
    `tenant storage provisioned: ${description}`,
  );
  const change = await deps.commands.execute(
    { type: 'ActivateTenant', data: { tenantId: tenant.id } },
    caller,
    {
      conditions: (conditions, now) =>
        setCondition(
          conditions,
          {
            type: 'Provisioned',
            status: 'True',
            reason: 'StorageReady',
            message: `${description} provisioned in ${Math.round(seconds * 1000)} ms`,
            attempts: attempt,
          },
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
