import type { ConfirmOrder, Money, OrderConfirmed, OrderCreated, OrderItemAdded } from '@platform/contracts';
import { specFor } from '@platform/testing';
import { orderDecider } from './order.decider';

const orderId = '0b5f1a9e-3c1d-4e2a-9f4b-7d6c5b4a3f21';
const spec = specFor(orderDecider);
const eur = (amount: string): Money => ({ amount, currency: 'EUR' });
const created: OrderCreated = { type: 'OrderCreated', data: { orderId, customerId: 'customer-1' } };
const item = (sku: string, quantity: number, amount: string): OrderItemAdded => ({
  type: 'OrderItemAdded',
  data: { orderId, sku, quantity, unitPrice: eur(amount) },
});
const confirm: ConfirmOrder = { type: 'ConfirmOrder', data: { orderId, paymentToken: 'tok_visa' } };
const confirmed: OrderConfirmed = {
  type: 'OrderConfirmed',
  data: {
    orderId,
    customerId: 'customer-1',
    skus: [{ sku: 'A', quantity: 2 }],
    total: eur('5.00'),
    paymentToken: 'tok_visa',
  },
};

describe('ConfirmOrder', () => {
  it('confirms a draft with what the saga needs: quantities per sku summed, the total, the token', () => {
    spec
      .given([created, item('A', 2, '1.50'), item('B', 1, '10.00'), item('A', 3, '1.50')])
      .when(confirm)
      .then([
        {
          type: 'OrderConfirmed',
          data: {
            orderId,
            customerId: 'customer-1',
            skus: [
              { sku: 'A', quantity: 5 },
              { sku: 'B', quantity: 1 },
            ],
            total: eur('17.50'),
            paymentToken: 'tok_visa',
          },
        },
      ]);
  });

  it('refuses an empty order (409)', () => {
    spec.given([created]).when(confirm).thenRejected({ kind: 'conflict', code: 'order-empty' });
  });

  it('refuses an order that does not exist (404)', () => {
    spec.given([]).when(confirm).thenRejected({ kind: 'notFound', code: 'order-not-found' });
  });

  it('refuses a second confirmation', () => {
    spec
      .given([created, item('A', 2, '2.50'), confirmed])
      .when(confirm)
      .thenRejected((rejection) => {
        expect(rejection).toMatchObject({ kind: 'conflict', code: 'order-status-conflict' });
        expect(rejection.detail).toContain('is confirmed');
      });
  });

  it('refuses a cancelled order', () => {
    spec
      .given([
        created,
        item('A', 1, '1.00'),
        { type: 'OrderCancelled', data: { orderId, reason: 'customer', from: 'draft' } },
      ])
      .when(confirm)
      .thenRejected({ code: 'order-status-conflict' });
  });

  it('takes no more items once confirmed', () => {
    spec
      .given([created, item('A', 2, '2.50'), confirmed])
      .when({ type: 'AddOrderItem', data: { orderId, sku: 'B', quantity: 1, unitPrice: eur('1.00') } })
      .thenRejected({ kind: 'conflict', code: 'order-status-conflict' });
  });
});
