import type { ArchiveTenant, TenantArchived } from '@platform/contracts';
import { assertNever } from './assert-never';
import { accepted, rejected } from './decider';
import type { TenantDecision } from './tenant.decision';
import { invalidTransition, tenantNotFound } from './tenant.rejections';
import { type ActiveTenant, nextSnapshot, type SuspendedTenant, type TenantState } from './tenant.state';

/** `active | suspended → archived`: the tenant is closed; deleting it is the only step left. */
export function archiveTenant(command: ArchiveTenant, state: TenantState): TenantDecision {
  switch (state.status) {
    case 'none':
      return rejected(tenantNotFound(command.data.tenantId));
    case 'active':
    case 'suspended':
      return accepted(archived(state));
    case 'draft':
    case 'archived':
    case 'deleted':
      return rejected(invalidTransition('archive', state.status));
    default:
      return assertNever(state);
  }
}

const archived = (tenant: ActiveTenant | SuspendedTenant): TenantArchived => ({
  type: 'TenantArchived',
  data: { ...nextSnapshot(tenant, { status: 'archived' }), previousStatus: tenant.status },
});
