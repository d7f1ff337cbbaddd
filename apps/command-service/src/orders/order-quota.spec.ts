import type { OrderCommand } from '@platform/contracts';
import { PLANS } from '@platform/contracts';
import { ORDERS_METRIC, orderLimitsOf, quotaChargeOf } from './order-quota';

const ORDER = '3b9d6f1e-8c2a-4e5b-9a7d-1f0e2d3c4b5a';
const at = new Date('2026-01-20T10:00:00.000Z');

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

  it('charges one of the month’s orders for creating an order, nothing for adding an item', () => {
    const create: OrderCommand = { type: 'CreateOrder', data: { orderId: ORDER, customerId: 'c' } };
    const add: OrderCommand = {
      type: 'AddOrderItem',
      data: { orderId: ORDER, sku: 'A', quantity: 1, unitPrice: { amount: '1.00', currency: 'EUR' } },
    };

    expect(quotaChargeOf(create, { maxOrdersPerMonth: 5, maxStorageBytes: 1024 }, at)).toEqual({
      metric: ORDERS_METRIC,
      limit: 5,
      at,
    });
    expect(quotaChargeOf(add, { maxOrdersPerMonth: 5, maxStorageBytes: 1024 }, at)).toBeUndefined();
  });
});
