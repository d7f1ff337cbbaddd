import type { CreateOrder, OrderEvent } from '@platform/contracts';
import { accepted, type DecideResult, rejected } from './decider';
import { orderAlreadyExists, type OrderRejection } from './order.rejections';
import type { OrderState } from './order.state';

export function createOrder(
  command: CreateOrder,
  state: OrderState,
): DecideResult<OrderEvent, OrderRejection> {
  const { orderId, customerId } = command.data;
  if (state.status !== 'empty') return rejected(orderAlreadyExists(orderId));
  return accepted({ type: 'OrderCreated', data: { orderId, customerId } });
}
