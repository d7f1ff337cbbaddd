import { addingOrderItem } from './adding-order-item';

const at = new Date('2026-01-20T10:00:00.000Z');

describe('adding an order item', () => {
  it('is audited as order.add-item', () => {
    expect(addingOrderItem.auditAction).toBe('order.add-item');
  });

  it('charges nothing', () => {
    expect(addingOrderItem.quotaCharge({ maxOrdersPerMonth: 5, maxStorageBytes: 1024 }, at)).toBeUndefined();
  });
});
