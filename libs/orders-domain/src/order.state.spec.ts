import type { Money, OrderEvent, OrderItemAdded } from '@platform/contracts';
import { evolve, initialState, type OrderState } from './order.state';

const orderId = '0b5f1a9e-3c1d-4e2a-9f4b-7d6c5b4a3f21';
const eur = (amount: string): Money => ({ amount, currency: 'EUR' });
const itemAdded = (sku: string, quantity: number, unitPrice: Money): OrderItemAdded => ({
  type: 'OrderItemAdded',
  data: { orderId, sku, quantity, unitPrice },
});
const fold = (events: readonly OrderEvent[]): OrderState => events.reduce(evolve, initialState());

describe('order state', () => {
  it('starts empty', () => {
    expect(initialState()).toEqual({ status: 'empty' });
  });

  it('folds creation and several items into a draft, keeping the first currency and every line', () => {
    const state = fold([
      { type: 'OrderCreated', data: { orderId, customerId: 'customer-1' } },
      itemAdded('SKU-1', 2, eur('12.50')),
      itemAdded('SKU-2', 1, eur('3.00')),
      itemAdded('SKU-1', 1, eur('12.50')),
    ]);
    expect(state).toEqual({
      status: 'draft',
      orderId,
      customerId: 'customer-1',
      currency: 'EUR',
      lines: [
        { sku: 'SKU-1', quantity: 2, unitPrice: eur('12.50') },
        { sku: 'SKU-2', quantity: 1, unitPrice: eur('3.00') },
        { sku: 'SKU-1', quantity: 1, unitPrice: eur('12.50') },
      ],
    });
  });

  it('has no currency until the first item', () => {
    expect(fold([{ type: 'OrderCreated', data: { orderId, customerId: 'customer-1' } }])).toEqual({
      status: 'draft',
      orderId,
      customerId: 'customer-1',
      lines: [],
    });
  });

  it('does not mutate the state it is given', () => {
    const draft = fold([{ type: 'OrderCreated', data: { orderId, customerId: 'customer-1' } }]);
    const frozen = Object.freeze({ ...draft });
    const next = evolve(frozen, itemAdded('SKU-1', 1, eur('1.00')));
    expect(next).not.toBe(frozen);
    expect(frozen).toEqual(draft);
  });

  it('ignores events that do not fit the current status', () => {
    expect(evolve(initialState(), itemAdded('SKU-1', 1, eur('1.00')))).toEqual({ status: 'empty' });
    const draft = fold([{ type: 'OrderCreated', data: { orderId, customerId: 'customer-1' } }]);
    expect(evolve(draft, { type: 'OrderCreated', data: { orderId, customerId: 'other' } })).toBe(draft);
  });
});
