import { retryDelayMs } from './backoff';

describe('controller retry backoff (exponential, full jitter)', () => {
  const policy = { baseMs: 500, capMs: 60_000 };

  it('doubles the ceiling with each failed attempt', () => {
    const ceiling = (attempt: number) => retryDelayMs(attempt, policy, () => 0.999999) + 1;
    expect([1, 2, 3, 4].map(ceiling)).toEqual([500, 1000, 2000, 4000]);
  });

  it('never waits more than the cap', () => {
    expect(retryDelayMs(40, policy, () => 0.999999)).toBeLessThan(60_000);
    expect(retryDelayMs(1_000, policy, () => 0.999999)).toBeLessThan(60_000);
  });

  it('spreads retries over the whole interval', () => {
    expect(retryDelayMs(3, policy, () => 0)).toBe(0);
    expect(retryDelayMs(3, policy, () => 0.5)).toBe(1000);
  });

  it('treats attempt 0 or less as the first', () => {
    expect(retryDelayMs(0, policy, () => 0.5)).toBe(250);
  });
});
