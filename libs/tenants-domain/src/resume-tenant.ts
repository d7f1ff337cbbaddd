import type { ResumeTenant } from '@platform/contracts';
import { assertNever } from './assert-never';
import { accepted, rejected } from './decider';
import type { TenantDecision } from './tenant.decision';
import { invalidTransition, tenantNotFound } from './tenant.rejections';
import { nextSnapshot, type TenantState } from './tenant.state';

/** `suspended → active`. */
export function resumeTenant(command: ResumeTenant, state: TenantState): TenantDecision {
  switch (state.status) {
    case 'none':
      return rejected(tenantNotFound(command.data.tenantId));
    case 'suspended':
      return accepted({
        type: 'TenantResumed',
        data: { ...nextSnapshot(state, { status: 'active' }), previousStatus: 'suspended' },
      });
    case 'draft':
    case 'active':
    case 'archived':
    case 'deleted':
      return rejected(invalidTransition('resume', state.status));
    default:
      return assertNever(state);
  }
}
