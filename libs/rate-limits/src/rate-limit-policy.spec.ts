import { policyForPlan, type PlanRateLimits } from './rate-limit-policy';

const plans: PlanRateLimits = {
  free: { rateLimit: { requestsPerSecond: 5, burst: 10 } },
  standard: { rateLimit: { requestsPerSecond: 50, burst: 100 } },
  enterprise: { rateLimit: { requestsPerSecond: 500, burst: 1_000 } },
  uneven: { rateLimit: { requestsPerSecond: 3, burst: 10 } },
  flat: { rateLimit: { requestsPerSecond: 50, burst: 20 } },
  slow: { rateLimit: { requestsPerSecond: 0.5, burst: 3 } },
};

describe('a plan as a window quota', () => {
  it.each([
    ['free', 10, 2],
    ['standard', 100, 2],
    ['enterprise', 1_000, 2],
  ])('%s: the burst is the quota, the window the time the sustained rate takes to send it', (plan, q, w) => {
    expect(policyForPlan(plan, plans)).toEqual({ name: plan, quota: q, windowSeconds: w });
  });

  it('never exceeds the burst nor, over time, the rate when the burst is not a multiple of it', () => {
    const policy = policyForPlan('uneven', plans);
    expect(policy).toEqual({ name: 'uneven', quota: 10, windowSeconds: 4 });
    expect(policy.quota / policy.windowSeconds).toBeLessThanOrEqual(3);
  });

  it('keeps windows of at least a second (the headers carry whole seconds)', () => {
    expect(policyForPlan('flat', plans)).toEqual({ name: 'flat', quota: 20, windowSeconds: 1 });
    expect(policyForPlan('slow', plans)).toEqual({ name: 'slow', quota: 3, windowSeconds: 6 });
  });

  it('refuses a plan it does not know and limits it cannot enforce', () => {
    expect(() => policyForPlan('gold', plans)).toThrow('no rate limit for plan "gold"');
    expect(() => policyForPlan('x', { x: { rateLimit: { requestsPerSecond: 0, burst: 10 } } })).toThrow(
      /requestsPerSecond must be a positive number/,
    );
    expect(() => policyForPlan('x', { x: { rateLimit: { requestsPerSecond: 5, burst: 2.5 } } })).toThrow(
      /burst must be a positive integer/,
    );
    expect(() => policyForPlan('x', { x: { rateLimit: { requestsPerSecond: 5, burst: 0 } } })).toThrow(
      /burst must be a positive integer/,
    );
  });
});
