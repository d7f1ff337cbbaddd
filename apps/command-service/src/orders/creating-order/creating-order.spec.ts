import { ORDERS_METRIC } from '../order-quota';
import { creatingOrder } from './creating-order';

const at = new Date('2026-01-20T10:00:00.000Z');

describe('creating an order', () => {
  it('is audited as order.create', () => {
    expect(creatingOrder.auditAction).toBe('order.create');
  });

  it('charges one of the month’s orders', () => {
    expect(creatingOrder.quotaCharge({ maxOrdersPerMonth: 5, maxStorageBytes: 1024 }, at)).toEqual({
      metric: ORDERS_METRIC,
      limit: 5,
      at,
    });
  });
});
