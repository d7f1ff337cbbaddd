import { leaseSizing } from './lease-sizing';

const policy = (quota: number) => ({ name: 'p', quota, windowSeconds: 2 });

describe('lease sizing', () => {
  it.each([
    ['free', 10, 1, 0],
    ['standard', 100, 5, 1],
    ['enterprise', 1_000, 50, 12],
  ])('%s (quota %i): leases %i, tops up at %i left', (_plan, quota, size, refillAt) => {
    expect(leaseSizing(policy(quota))).toEqual({ size, refillAt });
  });

  it.each([1, 3, 19, 20, 21, 99, 1_000, 12_345])(
    'quota %i: a lease of at least one unit, at most 5 % of the quota above 20, refilled before it is spent',
    (quota) => {
      const { size, refillAt } = leaseSizing(policy(quota));
      expect(size).toBeGreaterThanOrEqual(1);
      if (quota >= 20) expect(size).toBeLessThanOrEqual(quota * 0.05);
      expect(refillAt).toBeGreaterThanOrEqual(0);
      expect(refillAt).toBeLessThan(size);
    },
  );
});
