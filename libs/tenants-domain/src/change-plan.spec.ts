import type { ChangePlan, TenantPlan } from '@platform/contracts';
import { specFor } from '@platform/testing';
import { activated, created, history, planUpdated, tenantId } from './tenant.fixtures';
import { tenantDecider } from './tenant.decider';

const spec = specFor(tenantDecider);

const changePlan = (plan: TenantPlan): ChangePlan => ({ type: 'ChangePlan', data: { tenantId, plan } });

describe('ChangePlan', () => {
  it('moves an active tenant to another plan, recording the previous one', () => {
    spec
      .given([created, activated])
      .when(changePlan('free'))
      .then([planUpdated('active', 3, 'free', 'standard')]);
  });

  it('changes the plan again from the plan the last change left', () => {
    spec
      .given([created, activated, planUpdated('active', 3, 'enterprise', 'standard')])
      .when(changePlan('free'))
      .then([planUpdated('active', 4, 'free', 'enterprise')]);
  });

  it('records nothing when the tenant is already on that plan', () => {
    spec.given([created, activated]).when(changePlan('standard')).then([]);
    spec.given(history.suspended).when(changePlan('standard')).then([]);
  });

  it('records nothing when a change is repeated', () => {
    spec
      .given([created, activated, planUpdated('active', 3, 'enterprise', 'standard')])
      .when(changePlan('enterprise'))
      .then([]);
  });

  it.each(['archived', 'deleted'] as const)('refuses a %s tenant, even for the plan it is on', (status) => {
    spec
      .given(history[status])
      .when(changePlan('standard'))
      .thenRejected({
        kind: 'conflict',
        code: 'invalid-transition',
        detail: `cannot change the plan of a tenant that is ${status}`,
      });
  });
});
