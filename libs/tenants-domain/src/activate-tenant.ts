import type { ActivateTenant } from '@platform/contracts';
import { assertNever } from './assert-never';
import { accepted, rejected } from './decider';
import type { TenantDecision } from './tenant.decision';
import { invalidTransition, tenantNotFound } from './tenant.rejections';
import { nextSnapshot, type TenantState } from './tenant.state';

/** `draft → active`, once the tenant's schema, database or row policies are provisioned. */
export function activateTenant(command: ActivateTenant, state: TenantState): TenantDecision {
  switch (state.status) {
    case 'none':
      return rejected(tenantNotFound(command.data.tenantId));
    case 'draft':
      return accepted({ type: 'TenantActivated', data: nextSnapshot(state, { status: 'active' }) });
    case 'active':
    case 'suspended':
    case 'archived':
    case 'deleted':
      return rejected(invalidTransition('activate', state.status));
    default:
      return assertNever(state);
  }
}
