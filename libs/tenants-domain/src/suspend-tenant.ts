import type { SuspendTenant } from '@platform/contracts';
import { assertNever } from './assert-never';
import { accepted, rejected } from './decider';
import type { TenantDecision } from './tenant.decision';
import { invalidTransition, tenantNotFound } from './tenant.rejections';
import { nextSnapshot, type TenantState } from './tenant.state';

/** `active → suspended`: the tenant's writes are refused from then on, its reads still answer. */
export function suspendTenant(command: SuspendTenant, state: TenantState): TenantDecision {
  switch (state.status) {
    case 'none':
      return rejected(tenantNotFound(command.data.tenantId));
    case 'active':
      return accepted({
        type: 'TenantSuspended',
        data: {
          ...nextSnapshot(state, { status: 'suspended' }),
          previousStatus: 'active',
          reason: command.data.reason,
        },
      });
    case 'draft':
    case 'suspended':
    case 'archived':
    case 'deleted':
      return rejected(invalidTransition('suspend', state.status));
    default:
      return assertNever(state);
  }
}
