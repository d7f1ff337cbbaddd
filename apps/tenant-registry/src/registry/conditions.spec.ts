import { setCondition, setConditions, type Condition } from './conditions';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:00:05.000Z';

describe('tenant conditions', () => {
  const pending: Condition = {
    type: 'Provisioned',
    status: 'Unknown',
    reason: 'Pending',
    message: 'waiting',
    lastTransitionTime: T0,
  };

  it('adds a condition of a new type', () => {
    expect(
      setCondition([], { type: 'Ready', status: 'False', reason: 'Provisioning', message: 'm' }, T0),
    ).toEqual([
      { type: 'Ready', status: 'False', reason: 'Provisioning', message: 'm', lastTransitionTime: T0 },
    ]);
  });

  it('moves lastTransitionTime only when the status changes', () => {
    const sameStatus = setCondition(
      [pending],
      { type: 'Provisioned', status: 'Unknown', reason: 'Provisioning', message: 'attempt 1', attempts: 1 },
      T1,
    );
    expect(sameStatus).toEqual([{ ...pending, reason: 'Provisioning', message: 'attempt 1', attempts: 1 }]);
    const changed = setCondition(
      sameStatus,
      { type: 'Provisioned', status: 'True', reason: 'StorageReady', message: 'ok' },
      T1,
    );
    expect(changed[0]).toMatchObject({ status: 'True', lastTransitionTime: T1 });
  });

  it('keeps the attempt count unless a new one is given', () => {
    const [condition] = setCondition(
      [{ ...pending, attempts: 3 }],
      { type: 'Provisioned', status: 'False', reason: 'Failed', message: 'x' },
      T1,
    );
    expect(condition?.attempts).toBe(3);
  });

  it('keeps the other conditions and their order', () => {
    const ready: Condition = { ...pending, type: 'Ready', status: 'False', reason: 'Provisioning' };
    const next = setConditions(
      [pending, ready],
      [{ type: 'Provisioned', status: 'True', reason: 'StorageReady', message: 'ok' }],
      T1,
    );
    expect(next.map((c) => c.type)).toEqual(['Provisioned', 'Ready']);
    expect(next[1]).toBe(ready);
  });
});
