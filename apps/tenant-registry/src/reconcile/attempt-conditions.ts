import type { TenantStatus } from '@platform/contracts';
import type { ConditionUpdate } from '../registry/conditions';
import type { ReconcileState } from '../registry/tenant-record';
import type { ReconcilePhase } from './reconcile-metrics';

/** What the controller has to do for a tenant: provision a draft, or finish a requested deletion. */
export function phaseOf(
  status: TenantStatus | 'none',
  bookkeeping: ReconcileState,
): ReconcilePhase | undefined {
  if (status === 'draft') return 'provision';
  const deleting =
    bookkeeping.deletionRequestedAt !== undefined && bookkeeping.deletionCompletedAt === undefined;
  return deleting && (status === 'archived' || status === 'deleted') ? 'delete' : undefined;
}

/** Shown while an attempt runs: which phase, which attempt. */
export function attemptStarted(phase: ReconcilePhase, attempt: number): ConditionUpdate {
  return phase === 'provision'
    ? {
        type: 'Provisioned',
        status: 'Unknown',
        reason: 'Provisioning',
        message: `attempt ${attempt}: provisioning the tenant's storage`,
        attempts: attempt,
      }
    : {
        type: 'Deleting',
        status: 'Unknown',
        reason: 'Purging',
        message: `attempt ${attempt}: purging`,
        attempts: attempt,
      };
}

/** Shown after a failed attempt: why, how many so far, and when the next one comes. */
export function attemptFailed(
  phase: ReconcilePhase,
  attempt: number,
  error: string,
  retryInMs: number,
): ConditionUpdate[] {
  const failed = `attempt ${attempt} failed: ${error}; retrying in ${retryInMs} ms`;
  return phase === 'provision'
    ? [
        {
          type: 'Provisioned',
          status: 'False',
          reason: 'ProvisioningFailed',
          message: failed,
          attempts: attempt,
        },
        {
          type: 'Ready',
          status: 'False',
          reason: 'Provisioning',
          message: 'the tenant becomes active once provisioned',
        },
      ]
    : [{ type: 'Deleting', status: 'False', reason: 'PurgeFailed', message: failed, attempts: attempt }];
}
