import { provisioningConditions, purgeConditions, waitingFor } from './owner-conditions';

const progress = {
  reported: [{ owner: 'projection-service', provisioned: 'schema tenant_ab', purged: '1 objects' }],
  pending: ['saga-service'],
};

describe('owner conditions (ADR 0031)', () => {
  it('shows one condition per owner while provisioning, the pending one Unknown', () => {
    expect(provisioningConditions(progress)).toEqual([
      expect.objectContaining({
        type: 'Storage/projection-service',
        status: 'True',
        message: 'schema tenant_ab',
      }),
      expect.objectContaining({ type: 'Storage/saga-service', status: 'Unknown', reason: 'Pending' }),
    ]);
  });

  it('shows one condition per owner while purging', () => {
    expect(purgeConditions(progress)).toEqual([
      expect.objectContaining({ type: 'Storage/projection-service', reason: 'Purged' }),
      expect.objectContaining({ type: 'Storage/saga-service', reason: 'PurgePending' }),
    ]);
  });

  it('names the owners it waits for and those done', () => {
    expect(waitingFor('Provisioned', progress, 2)).toEqual({
      type: 'Provisioned',
      status: 'Unknown',
      reason: 'WaitingForOwners',
      message: 'waiting for saga-service (done: projection-service)',
      attempts: 2,
    });
  });
});
