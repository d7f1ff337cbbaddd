import { commandOutcome, quotaOf } from './command-metrics';

describe('the command metrics', () => {
  it('names the outcome of an answer', () => {
    expect(commandOutcome(undefined)).toBe('accepted');
    expect(commandOutcome({ kind: 'conflict', detail: 'x' })).toBe('refused');
    expect(commandOutcome({ kind: 'quotaExceeded', detail: 'x' })).toBe('refused');
    expect(commandOutcome({ kind: 'unavailable', detail: 'x' })).toBe('unavailable');
  });

  it('names the quota of a quota-exceeded refusal', () => {
    const monthly = { 'ratelimit-policy': '"orders-per-month";q=1000;w=2678400', ratelimit: '…' };
    expect(quotaOf({ kind: 'quotaExceeded', detail: 'x', headers: monthly })).toBe('orders');
    expect(quotaOf({ kind: 'quotaExceeded', detail: 'x', headers: { 'retry-after': '300' } })).toBe(
      'storage',
    );
  });
});
