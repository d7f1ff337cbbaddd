import type { TenantEvent } from '@platform/contracts';
import { assertNever } from '../assert-never';
import { setConditions, type Condition, type ConditionUpdate } from '../registry/conditions';

/**
 * What each lifecycle event says about the tenant's conditions. The controller adds what it sees
 * on the way (attempts, failures); a plan or manifest change leaves them as they are.
 */
export function conditionsAfter(
  conditions: readonly Condition[],
  event: TenantEvent,
  now: string,
): Condition[] {
  return setConditions(conditions, updatesOf(event), now);
}

function updatesOf(event: TenantEvent): ConditionUpdate[] {
  switch (event.type) {
    case 'TenantCreated':
      return [
        {
          type: 'Provisioned',
          status: 'Unknown',
          reason: 'Pending',
          message: 'waiting for the tenant controller',
        },
        {
          type: 'Ready',
          status: 'False',
          reason: 'Provisioning',
          message: 'the tenant becomes active once its storage is provisioned',
        },
      ];
    case 'TenantActivated':
      return [
        {
          type: 'Provisioned',
          status: 'True',
          reason: 'StorageReady',
          message: `${event.data.isolation} read-model storage is provisioned`,
        },
        { type: 'Ready', status: 'True', reason: 'Active', message: 'the tenant is active' },
      ];
    case 'TenantSuspended':
      return [{ type: 'Ready', status: 'False', reason: 'Suspended', message: event.data.reason }];
    case 'TenantResumed':
      return [{ type: 'Ready', status: 'True', reason: 'Active', message: 'the tenant is active again' }];
    case 'TenantArchived':
      return [{ type: 'Ready', status: 'False', reason: 'Archived', message: 'the tenant is archived' }];
    case 'TenantDeleted':
      return [
        { type: 'Ready', status: 'False', reason: 'Deleted', message: 'the tenant is deleted' },
        {
          type: 'Deleting',
          status: 'True',
          reason: 'Purged',
          message: `purged ${event.data.purged.events} events and ${event.data.purged.readModels} read-model objects`,
        },
      ];
    case 'TenantPlanUpdated':
    case 'TenantManifestApplied':
      return [];
    default:
      return assertNever(event);
  }
}
