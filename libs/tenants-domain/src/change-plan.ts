import type { ChangePlan } from '@platform/contracts';
import { assertNever } from './assert-never';
import { accepted, rejected } from './decider';
import type { TenantDecision } from './tenant.decision';
import { invalidTransition, tenantNotFound } from './tenant.rejections';
import { type ExistingTenant, nextSnapshot, type TenantState } from './tenant.state';

/** Moves a live tenant to another plan; its quotas and rate limits follow. The same plan is a no-op. */
export function changePlan(command: ChangePlan, state: TenantState): TenantDecision {
  switch (state.status) {
    case 'none':
      return rejected(tenantNotFound(command.data.tenantId));
    case 'draft':
    case 'active':
    case 'suspended':
      return toPlan(state, command.data.plan);
    case 'archived':
    case 'deleted':
      return rejected(invalidTransition('change the plan of', state.status));
    default:
      return assertNever(state);
  }
}

function toPlan(tenant: ExistingTenant, plan: ChangePlan['data']['plan']): TenantDecision {
  if (tenant.plan === plan) return accepted();
  return accepted({
    type: 'TenantPlanUpdated',
    data: { ...nextSnapshot(tenant, { plan }), previousPlan: tenant.plan },
  });
}
