import type { OrderEvent } from '@platform/contracts';
import { projectOrder, projectOrders, type OrderRow } from './order-projection';

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

  it('given an order, when the saga moves it on and it is cancelled, then the row shows each status', () => {
    const confirmed: OrderEvent = {
      type: 'OrderConfirmed',
      data: {
        orderId,
        customerId: 'c-1',
        skus: [{ sku: 'A', quantity: 1 }],
        total: { amount: '1.00', currency: 'EUR' },
        paymentToken: 'tok_visa',
      },
    };
    const reserved: OrderEvent = { type: 'OrderReserved', data: { orderId } };
    expect(fold([created, item('A', 1, '1.00'), confirmed])).toMatchObject({
      status: 'confirmed',
      version: 3,
    });
    expect(fold([created, item('A', 1, '1.00'), confirmed, reserved])).toMatchObject({ status: 'reserved' });
    const cancelled: OrderEvent = {
      type: 'OrderCancelled',
      data: { orderId, reason: 'timeout', from: 'reserved' },
    };
    expect(fold([created, item('A', 1, '1.00'), confirmed, reserved, cancelled])).toMatchObject({
      status: 'cancelled',
      totalAmount: '1.00',
      version: 5,
    });
    expect(projectOrder(undefined, reserved, at(4))).toBeUndefined();
  });

  it('given nothing, when an item arrives, then it does not apply', () => {
    expect(projectOrder(undefined, item('A', 1, '5'), at(2))).toBeUndefined();
  });
});

describe('projectOrders', () => {
  const otherId = '7c9e6679-7425-40de-944b-e07fc1f0b1c2';
  const createdOther: OrderEvent = { type: 'OrderCreated', data: { orderId: otherId, customerId: 'c-2' } };
  const itemOf = (id: string, sku: string): OrderEvent => ({
    type: 'OrderItemAdded',
    data: { orderId: id, sku, quantity: 1, unitPrice: { amount: '1.00', currency: 'EUR' } },
  });

  it('given rows, when interleaved events of two orders, then each order folds its own in order', () => {
    const current = new Map([[orderId, fold([created]) as OrderRow]]);
    const { changed, outcomes } = projectOrders(current, [
      { event: createdOther, meta: at(1) },
      { event: item('A', 1, '2.00'), meta: at(2) },
      { event: itemOf(otherId, 'X'), meta: at(2) },
      { event: item('B', 1, '3.00'), meta: at(3) },
    ]);
    expect(outcomes).toEqual(['applied', 'applied', 'applied', 'applied']);
    expect(changed.map((row) => [row.id, row.version, row.items.map((i) => i.sku), row.totalAmount])).toEqual(
      [
        [otherId, 2, ['X'], '1.00'],
        [orderId, 3, ['A', 'B'], '5.00'],
      ],
    );
  });

  it('given an order, when an item of an unknown order and a replayed version, then skipped and unchanged', () => {
    const row = fold([created, item('A', 1, '5')]) as OrderRow;
    const { changed, outcomes } = projectOrders(new Map([[orderId, row]]), [
      { event: itemOf(otherId, 'X'), meta: at(2) },
      { event: item('A', 1, '5'), meta: at(2) },
    ]);
    expect(outcomes).toEqual(['skipped', 'applied']);
    expect(changed).toEqual([]);
  });

  it('finds a row by the order id whatever the case of the event', () => {
    const current = new Map([[orderId, fold([created]) as OrderRow]]);
    const upper = itemOf(orderId.toUpperCase(), 'A');
    expect(projectOrders(current, [{ event: upper, meta: at(2) }]).changed[0]?.itemCount).toBe(1);
  });
});
