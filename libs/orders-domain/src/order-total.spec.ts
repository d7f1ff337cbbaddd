import type { Money, OrderEvent } from '@platform/contracts';
import { orderTotal } from './order-total';
import { evolve, initialState } from './order.state';

const orderId = '0b5f1a9e-3c1d-4e2a-9f4b-7d6c5b4a3f21';
const eur = (amount: string): Money => ({ amount, currency: 'EUR' });
const created: OrderEvent = { type: 'OrderCreated', data: { orderId, customerId: 'customer-1' } };
const item = (sku: string, quantity: number, unitPrice: Money): OrderEvent => ({
  type: 'OrderItemAdded',
  data: { orderId, sku, quantity, unitPrice },
});
const totalOf = (events: readonly OrderEvent[]): Money | undefined =>
  orderTotal(events.reduce(evolve, initialState()));

describe('orderTotal', () => {
  it('is undefined for an order that does not exist', () => {
    expect(totalOf([])).toBeUndefined();
  });

  it('is undefined for an order without items, whose currency is not known yet', () => {
    expect(totalOf([created])).toBeUndefined();
  });

  it('sums quantity × unit price over every line, repeated skus included', () => {
    expect(
      totalOf([
        created,
        item('SKU-1', 2, eur('12.50')),
        item('SKU-2', 1, eur('3.00')),
        item('SKU-1', 1, eur('12.50')),
      ]),
    ).toEqual(eur('40.50'));
  });

  it('adds without float rounding', () => {
    expect(totalOf([created, item('A', 1, eur('0.1')), item('B', 1, eur('0.2'))])).toEqual(eur('0.30'));
    expect(totalOf([created, item('A', 3, eur('19.99')), item('B', 7, eur('0.0001'))])).toEqual(
      eur('59.9707'),
    );
  });
});
