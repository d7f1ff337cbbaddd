import type { ConditionUpdate } from '../registry/conditions';
import type { OwnersProgress } from './tenant-storage.port';

/** One `Storage/<owner>` condition per owner: what it reported for the provisioning, or that it is pending. */
export function provisioningConditions(progress: OwnersProgress): ConditionUpdate[] {
  return [
    ...progress.reported.map((report): ConditionUpdate => ({
      type: `Storage/${report.owner}`,
      status: 'True',
      reason: 'Provisioned',
      message: report.provisioned ?? 'provisioned',
    })),
    ...progress.pending.map((owner): ConditionUpdate => ({
      type: `Storage/${owner}`,
      status: 'Unknown',
      reason: 'Pending',
      message: `waiting for ${owner} to report the tenant's storage provisioned`,
    })),
  ];
}

/** One `Storage/<owner>` condition per owner: what it reported for the purge, or that it is pending. */
export function purgeConditions(progress: OwnersProgress): ConditionUpdate[] {
  return [
    ...progress.reported.map((report): ConditionUpdate => ({
      type: `Storage/${report.owner}`,
      status: 'False',
      reason: 'Purged',
      message: report.purged ?? 'purged',
    })),
    ...progress.pending.map((owner): ConditionUpdate => ({
      type: `Storage/${owner}`,
      status: 'Unknown',
      reason: 'PurgePending',
      message: `waiting for ${owner} to report the tenant's storage purged`,
    })),
  ];
}

/** The summary condition while owners are pending: which ones. */
export function waitingFor(
  type: 'Provisioned' | 'Deleting',
  progress: OwnersProgress,
  attempt: number,
): ConditionUpdate {
  const done = progress.reported.map((report) => report.owner);
  return {
    type,
    status: 'Unknown',
    reason: 'WaitingForOwners',
    message:
      `waiting for ${progress.pending.join(', ')}` + (done.length > 0 ? ` (done: ${done.join(', ')})` : ''),
    attempts: attempt,
  };
}
