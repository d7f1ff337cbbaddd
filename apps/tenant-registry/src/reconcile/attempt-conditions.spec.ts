import { attemptFailed, attemptStarted, phaseOf } from './attempt-conditions';

describe('what the controller shows of its attempts', () => {
  it('provisions drafts and finishes requested deletions, nothing else', () => {
    const idle = { purgeReport: {}, reconcileAttempts: 0 };
    const requested = { ...idle, deletionRequestedAt: new Date() };
    expect(phaseOf('draft', idle)).toBe('provision');
    expect(phaseOf('active', idle)).toBeUndefined();
    expect(phaseOf('archived', idle)).toBeUndefined();
    expect(phaseOf('archived', requested)).toBe('delete');
    expect(phaseOf('deleted', requested)).toBe('delete');
    expect(phaseOf('deleted', { ...requested, deletionCompletedAt: new Date() })).toBeUndefined();
  });

  it('counts the attempts in the condition of the phase', () => {
    expect(attemptStarted('provision', 3)).toMatchObject({
      type: 'Provisioned',
      status: 'Unknown',
      attempts: 3,
    });
    expect(attemptStarted('delete', 1)).toMatchObject({ type: 'Deleting', status: 'Unknown', attempts: 1 });
  });

  it('says why an attempt failed and when the next one comes', () => {
    const [provisioned, ready] = attemptFailed('provision', 2, 'connection refused', 1500);
    expect(provisioned).toMatchObject({
      type: 'Provisioned',
      status: 'False',
      reason: 'ProvisioningFailed',
      attempts: 2,
    });
    expect(provisioned?.message).toBe('attempt 2 failed: connection refused; retrying in 1500 ms');
    expect(ready).toMatchObject({ type: 'Ready', status: 'False' });
    expect(attemptFailed('delete', 4, 'x', 10)).toEqual([
      expect.objectContaining({ type: 'Deleting', status: 'False', reason: 'PurgeFailed', attempts: 4 }),
    ]);
  });
});
