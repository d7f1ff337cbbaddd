import type { OrderEvent } from '@platform/contracts';
import { projectOrder, type OrderRow } from './order-projection';

const orderId = '0b6f1d2e-8d1c-4a0e-b6a4-6f0f5b3c2d1a';
const created: OrderEvent = { type: 'OrderCreated', data: { orderId, customerId: 'c-1' } };
const item = (sku: string, quantity: number, amount: string): OrderEvent => ({
  type: 'OrderItemAdded',
  data: { orderId, sku, quantity, unitPrice: { amount, currency: 'EUR' } },
});
const at = (version: number) => ({
  occurredAt: `2026-11-22T10:00:0${version}.000Z`,
  version,
  position: 100 + version,
});

function fold(events: OrderEvent[]): OrderRow | undefined {
  return events.reduce<OrderRow | undefined>(
    (row, event, i) => projectOrder(row, event, at(i + 1)),
    undefined,
  );
}

describe('projectOrder', () => {
  it('given nothing, when OrderCreated, then a draft order with no items', () => {
    expect(fold([created])).toMatchObject({
      id: orderId,
      status: 'draft',
      items: [],
      totalAmount: '0.00',
      version: 1,
    });
  });

  it('given an order, when items are added, then totals are summed in decimals', () => {
    const row = fold([created, item('A', 2, '19.99'), item('B', 1, '0.01')]);
    expect(row).toMatchObject({
      totalAmount: '39.99',
      itemCount: 2,
      currency: 'EUR',
      version: 3,
      lastPosition: 103,
    });
    expect(row?.updatedAt).toBe('2026-11-22T10:00:03.000Z');
  });

  it('given an order at version 2, when version 2 arrives again, then nothing changes', () => {
    const row = fold([created, item('A', 1, '5')]);
    expect(projectOrder(row, item('A', 1, '5'), at(2))).toBe(row);
  });

  it('given nothing, when an item arrives, then it does not apply', () => {
    expect(projectOrder(undefined, item('A', 1, '5'), at(2))).toBeUndefined();
  });
});
