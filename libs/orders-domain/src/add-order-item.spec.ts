import type { AddOrderItem, Money, OrderCreated, OrderItemAdded } from '@platform/contracts';
import { specFor } from '@platform/testing';
import { MAX_ORDER_LINES } from './add-order-item';
import { orderDecider } from './order.decider';

const orderId = '0b5f1a9e-3c1d-4e2a-9f4b-7d6c5b4a3f21';
const spec = specFor(orderDecider);

const eur = (amount: string): Money => ({ amount, currency: 'EUR' });
const orderCreated: OrderCreated = { type: 'OrderCreated', data: { orderId, customerId: 'customer-1' } };
const addItem = (sku: string, quantity: number, unitPrice: Money): AddOrderItem => ({
  type: 'AddOrderItem',
  data: { orderId, sku, quantity, unitPrice },
});
const itemAdded = (sku: string, quantity: number, unitPrice: Money): OrderItemAdded => ({
  type: 'OrderItemAdded',
  data: { orderId, sku, quantity, unitPrice },
});

describe('AddOrderItem', () => {
  it('adds the first item to a new order', () => {
    spec
      .given([orderCreated])
      .when(addItem('SKU-1', 2, eur('12.50')))
      .then([itemAdded('SKU-1', 2, eur('12.50'))]);
  });

  it('adds another item in the same currency', () => {
    spec
      .given([orderCreated, itemAdded('SKU-1', 2, eur('12.50'))])
      .when(addItem('SKU-2', 1, eur('3.00')))
      .then([itemAdded('SKU-2', 1, eur('3.00'))]);
  });

  it('adds the same sku again as its own event', () => {
    spec
      .given([orderCreated, itemAdded('SKU-1', 2, eur('12.50'))])
      .when(addItem('SKU-1', 3, eur('12.50')))
      .then([itemAdded('SKU-1', 3, eur('12.50'))]);
  });

  it('rejects an item for an order that does not exist', () => {
    spec
      .given([])
      .when(addItem('SKU-1', 1, eur('1.00')))
      .thenRejected({ kind: 'notFound', code: 'order-not-found', detail: `Order ${orderId} does not exist` });
  });

  it("rejects an item whose currency differs from the first item's", () => {
    spec
      .given([orderCreated, itemAdded('SKU-1', 1, eur('1.00'))])
      .when(addItem('SKU-2', 1, { amount: '1.00', currency: 'USD' }))
      .thenRejected((rejection) => {
        expect(rejection).toMatchObject({ kind: 'conflict', code: 'currency-mismatch' });
        expect(rejection.detail).toContain('EUR');
        expect(rejection.detail).toContain('USD');
      });
  });

  describe(`with ${MAX_ORDER_LINES} lines at most`, () => {
    const lines = (count: number): OrderItemAdded[] =>
      Array.from({ length: count }, (_, i) => itemAdded(`SKU-${i}`, 1, eur('1.00')));

    it(`accepts line number ${MAX_ORDER_LINES}`, () => {
      spec
        .given([orderCreated, ...lines(MAX_ORDER_LINES - 1)])
        .when(addItem('SKU-last', 1, eur('1.00')))
        .then([itemAdded('SKU-last', 1, eur('1.00'))]);
    });

    it(`rejects line number ${MAX_ORDER_LINES + 1}`, () => {
      spec
        .given([orderCreated, ...lines(MAX_ORDER_LINES)])
        .when(addItem('SKU-extra', 1, eur('1.00')))
        .thenRejected({ kind: 'conflict', code: 'too-many-lines' });
    });

    it('counts a repeated sku as a line of its own', () => {
      const sameSku = Array.from({ length: MAX_ORDER_LINES }, () => itemAdded('SKU-1', 1, eur('1.00')));
      spec
        .given([orderCreated, ...sameSku])
        .when(addItem('SKU-1', 1, eur('1.00')))
        .thenRejected({ kind: 'conflict', code: 'too-many-lines' });
    });
  });
});
