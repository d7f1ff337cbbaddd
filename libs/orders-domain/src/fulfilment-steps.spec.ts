import type { OrderEvent } from '@platform/contracts';
import { specFor } from '@platform/testing';
import { orderDecider } from './order.decider';
import { evolve, initialState } from './order.state';

const orderId = '0b5f1a9e-3c1d-4e2a-9f4b-7d6c5b4a3f21';
const spec = specFor(orderDecider);
const draft: OrderEvent[] = [
  { type: 'OrderCreated', data: { orderId, customerId: 'c' } },
  {
    type: 'OrderItemAdded',
    data: { orderId, sku: 'A', quantity: 1, unitPrice: { amount: '1.00', currency: 'EUR' } },
  },
];
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
const step = (type: 'RecordOrderReservation' | 'RecordOrderPayment' | 'ShipOrder') => ({
  type,
  data: { orderId },
});

describe('the fulfilment steps on an order', () => {
  it('moves a confirmed order to reserved, paid, then shipped', () => {
    spec
      .given([...draft, confirmed])
      .when(step('RecordOrderReservation'))
      .then([reserved]);
    spec
      .given([...draft, confirmed, reserved])
      .when(step('RecordOrderPayment'))
      .then([paid]);
    spec
      .given([...draft, confirmed, reserved, paid])
      .when(step('ShipOrder'))
      .then([shipped]);
    const state = [...draft, confirmed, reserved, paid, shipped].reduce(evolve, initialState());
    expect(state.status).toBe('shipped');
  });

  it('changes nothing when a step the order has passed comes again (a saga that repeats itself)', () => {
    spec
      .given([...draft, confirmed, reserved])
      .when(step('RecordOrderReservation'))
      .then([]);
    spec
      .given([...draft, confirmed, reserved, paid, shipped])
      .when(step('RecordOrderPayment'))
      .then([]);
    spec
      .given([...draft, confirmed, reserved, paid, shipped])
      .when(step('ShipOrder'))
      .then([]);
  });

  it('refuses a step out of turn', () => {
    spec
      .given([...draft, confirmed])
      .when(step('RecordOrderPayment'))
      .thenRejected({ code: 'order-status-conflict' });
    spec
      .given([...draft, confirmed])
      .when(step('ShipOrder'))
      .thenRejected({ code: 'order-status-conflict' });
    spec.given(draft).when(step('RecordOrderReservation')).thenRejected({ code: 'order-status-conflict' });
  });

  it('refuses every step on a cancelled order', () => {
    const cancelled: OrderEvent = {
      type: 'OrderCancelled',
      data: { orderId, reason: 'customer', from: 'confirmed' },
    };
    spec
      .given([...draft, confirmed, cancelled])
      .when(step('RecordOrderReservation'))
      .thenRejected({ code: 'order-status-conflict' });
  });

  it('refuses a step for an order that does not exist', () => {
    spec.given([]).when(step('ShipOrder')).thenRejected({ kind: 'notFound' });
  });
});
