import type { PlanRateLimits } from '@platform/rate-limits';
import { PLANS } from '@platform/contracts';

/** The plans' rate limits, read from `PLANS`: the one place they are defined (README, `## Plans`). */
export const PLAN_RATE_LIMITS: PlanRateLimits = PLANS;
