import type { CreateOrder, OrderCreated, OrderItemAdded } from '@platform/contracts';
import { specFor } from '@platform/testing';
import { orderDecider } from './order.decider';

const orderId = '0b5f1a9e-3c1d-4e2a-9f4b-7d6c5b4a3f21';
const spec = specFor(orderDecider);

const createOrder: CreateOrder = { type: 'CreateOrder', data: { orderId, customerId: 'customer-1' } };
const orderCreated: OrderCreated = { type: 'OrderCreated', data: { orderId, customerId: 'customer-1' } };
const itemAdded: OrderItemAdded = {
  type: 'OrderItemAdded',
  data: { orderId, sku: 'SKU-1', quantity: 1, unitPrice: { amount: '9.99', currency: 'EUR' } },
};

describe('CreateOrder', () => {
  it('creates a new order', () => {
    spec.given([]).when(createOrder).then([orderCreated]);
  });

  it('rejects an order that already exists', () => {
    spec
      .given([orderCreated])
      .when(createOrder)
      .thenRejected({
        kind: 'conflict',
        code: 'order-already-exists',
        detail: `Order ${orderId} already exists`,
      });
  });

  it('rejects it whatever the customer, once the order has items', () => {
    spec
      .given([orderCreated, itemAdded])
      .when({ type: 'CreateOrder', data: { orderId, customerId: 'someone-else' } })
      .thenRejected({ kind: 'conflict', code: 'order-already-exists' });
  });
});
