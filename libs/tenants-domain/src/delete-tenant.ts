import type { DeleteTenant } from '@platform/contracts';
import { assertNever } from './assert-never';
import { accepted, rejected } from './decider';
import type { TenantDecision } from './tenant.decision';
import { invalidTransition, tenantNotFound } from './tenant.rejections';
import { nextSnapshot, type TenantState } from './tenant.state';

/**
 * `archived → deleted`, once the tenant's data is purged; the event records what was purged. The
 * stream keeps the tenant's record, so its id and slug are never given to another tenant.
 */
export function deleteTenant(command: DeleteTenant, state: TenantState): TenantDecision {
  switch (state.status) {
    case 'none':
      return rejected(tenantNotFound(command.data.tenantId));
    case 'archived':
      return accepted({
        type: 'TenantDeleted',
        data: {
          ...nextSnapshot(state, { status: 'deleted' }),
          previousStatus: 'archived',
          purged: command.data.purged,
        },
      });
    case 'draft':
    case 'active':
    case 'suspended':
    case 'deleted':
      return rejected(invalidTransition('delete', state.status));
    default:
      return assertNever(state);
  }
}
