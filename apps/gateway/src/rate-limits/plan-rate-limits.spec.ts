import { policyForPlan } from '@platform/rate-limits';
import { PLAN_RATE_LIMITS } from './plan-rate-limits';

describe("the plans' rate limits as the gateway enforces them", () => {
  it.each(Object.entries(PLAN_RATE_LIMITS))(
    '%s: exactly its burst at once and its requests per second over time',
    (plan, { rateLimit }) => {
      const policy = policyForPlan(plan, PLAN_RATE_LIMITS);
      expect(policy.quota).toBe(rateLimit.burst);
      expect(policy.quota / policy.windowSeconds).toBe(rateLimit.requestsPerSecond);
    },
  );
});
