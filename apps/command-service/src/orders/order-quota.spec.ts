import { PLANS } from '@platform/contracts';
import { orderLimitsOf } from './order-quota';

describe('order quotas', () => {
  it.each(['free', 'standard', 'enterprise'] as const)(
    "reads the %s plan's orders per month and storage from PLANS",
    (plan) => {
      expect(orderLimitsOf(plan)).toEqual({
        maxOrdersPerMonth: PLANS[plan].quotas.maxOrdersPerMonth,
        maxStorageBytes: PLANS[plan].quotas.maxStorageMb * 1024 * 1024,
      });
    },
  );
});
