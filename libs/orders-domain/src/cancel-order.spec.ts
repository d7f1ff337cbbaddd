import type { CancellationReason, OrderEvent } from '@platform/contracts';
import { specFor } from '@platform/testing';
import { orderDecider } from './order.decider';

const orderId = '0b5f1a9e-3c1d-4e2a-9f4b-7d6c5b4a3f21';
const spec = specFor(orderDecider);
const created: OrderEvent = { type: 'OrderCreated', data: { orderId, customerId: 'c' } };
const item: OrderEvent = {
  type: 'OrderItemAdded',
  data: { orderId, sku: 'A', quantity: 1, unitPrice: { amount: '1.00', currency: 'EUR' } },
};
const confirmed: OrderEvent = {
  type: 'OrderConfirmed',
  data: {
    orderId,
    customerId: 'c',
    skus: [{ sku: 'A', quantity: 1 }],
    total: { amount: '1.00', currency: 'EUR' },
    paymentToken: 'tok_visa',
  },
};
const reserved: OrderEvent = { type: 'OrderReserved', data: { orderId } };
const paid: OrderEvent = { type: 'OrderPaid', data: { orderId } };
const shipped: OrderEvent = { type: 'OrderShipped', data: { orderId } };
const cancel = (reason: CancellationReason) => ({ type: 'CancelOrder' as const, data: { orderId, reason } });

describe('CancelOrder', () => {
  it.each([
    ['draft', [created, item]],
    ['confirmed', [created, item, confirmed]],
    ['reserved', [created, item, confirmed, reserved]],
    ['paid', [created, item, confirmed, reserved, paid]],
  ] as const)('cancels a %s order, saying which status it left', (from, history) => {
    spec
      .given(history)
      .when(cancel('customer'))
      .then([{ type: 'OrderCancelled', data: { orderId, reason: 'customer', from } }]);
  });

  it('refuses to cancel a shipped order', () => {
    spec
      .given([created, item, confirmed, reserved, paid, shipped])
      .when(cancel('customer'))
      .thenRejected({ kind: 'conflict', code: 'order-status-conflict' });
  });

  it("refuses a customer's second cancel", () => {
    const cancelled: OrderEvent = {
      type: 'OrderCancelled',
      data: { orderId, reason: 'customer', from: 'draft' },
    };
    spec.given([created, cancelled]).when(cancel('customer')).thenRejected({ code: 'order-status-conflict' });
  });

  it('takes a compensation of an order already cancelled as done: no event, no refusal', () => {
    const cancelled: OrderEvent = {
      type: 'OrderCancelled',
      data: { orderId, reason: 'customer', from: 'reserved' },
    };
    spec.given([created, item, confirmed, reserved, cancelled]).when(cancel('timeout')).then([]);
  });

  it('refuses an order that does not exist', () => {
    spec.given([]).when(cancel('customer')).thenRejected({ kind: 'notFound' });
  });
});
