import type { TenantEvent, TenantSnapshot } from '@platform/contracts';
import type { Condition } from '../registry/conditions';
import { conditionsAfter } from './lifecycle-conditions';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:01:00.000Z';
const snapshot = (status: TenantSnapshot['status'], version: number): TenantSnapshot => ({
  tenantId: '8e1f0c55-1d2b-4f7a-9c3e-2a1b0c9d8e7f',
  slug: 'acme',
  name: 'Acme',
  status,
  plan: 'free',
  isolation: 'schema',
  region: 'eu-west-1',
  version,
});
const statusOf = (events: TenantEvent[]) => {
  const conditions = events.reduce(
    (list, event, i) => conditionsAfter(list, event, i === 0 ? T0 : T1),
    [] as Condition[],
  );
  return Object.fromEntries(conditions.map((c) => [c.type, `${c.status}/${c.reason}`]));
};

describe('conditions along the lifecycle', () => {
  const created: TenantEvent = { type: 'TenantCreated', data: snapshot('draft', 1) };
  const activated: TenantEvent = { type: 'TenantActivated', data: snapshot('active', 2) };

  it('starts provisioning, then is ready once activated', () => {
    expect(statusOf([created])).toEqual({ Provisioned: 'Unknown/Pending', Ready: 'False/Provisioning' });
    expect(statusOf([created, activated])).toEqual({
      Provisioned: 'True/StorageReady',
      Ready: 'True/Active',
    });
  });

  it('is not ready while suspended, with the reason given', () => {
    const suspended: TenantEvent = {
      type: 'TenantSuspended',
      data: { ...snapshot('suspended', 3), status: 'suspended', previousStatus: 'active', reason: 'unpaid' },
    };
    const conditions = [created, activated, suspended].reduce(
      (list, event) => conditionsAfter(list, event, T1),
      [] as Condition[],
    );
    expect(conditions.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'Suspended',
      message: 'unpaid',
    });
  });

  it('records the purge when deleted', () => {
    const deleted: TenantEvent = {
      type: 'TenantDeleted',
      data: {
        ...snapshot('deleted', 5),
        status: 'deleted',
        previousStatus: 'archived',
        purged: { events: 4, readModels: 1, checkpoints: 0, deadLetters: 0, idempotencyRecords: 0 },
      },
    };
    expect(statusOf([created, activated, deleted])).toMatchObject({
      Ready: 'False/Deleted',
      Deleting: 'True/Purged',
    });
  });

  it('leaves them as they are on a plan change', () => {
    const planUpdated: TenantEvent = {
      type: 'TenantPlanUpdated',
      data: { ...snapshot('active', 3), plan: 'standard', previousPlan: 'free' },
    };
    expect(statusOf([created, activated, planUpdated])).toEqual(statusOf([created, activated]));
  });
});
