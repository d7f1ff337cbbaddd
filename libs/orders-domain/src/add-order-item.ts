import type { AddOrderItem, OrderEvent } from '@platform/contracts';
import { assertNever } from './assert-never';
import { accepted, type DecideResult, rejected } from './decider';
import {
  currencyMismatch,
  orderNotFound,
  orderStatusConflict,
  type OrderRejection,
  tooManyLines,
} from './order.rejections';
import type { DraftOrder, OrderState } from './order.state';

export const MAX_ORDER_LINES = 100;

/** Adds one line. The same sku may be added again: it becomes its own line and event. */
export function addOrderItem(
  command: AddOrderItem,
  state: OrderState,
): DecideResult<OrderEvent, OrderRejection> {
  switch (state.status) {
    case 'empty':
      return rejected(orderNotFound(command.data.orderId));
    case 'draft':
      return addToDraft(command, state);
    case 'confirmed':
    case 'reserved':
    case 'paid':
    case 'shipped':
    case 'cancelled':
      return rejected(orderStatusConflict(command.data.orderId, state.status, 'take more items'));
    default:
      return assertNever(state);
  }
}

function addToDraft(command: AddOrderItem, order: DraftOrder): DecideResult<OrderEvent, OrderRejection> {
  const { orderId, sku, quantity, unitPrice } = command.data;
  if (order.currency !== undefined && order.currency !== unitPrice.currency) {
    return rejected(currencyMismatch(order.currency, unitPrice.currency));
  }
  if (order.lines.length >= MAX_ORDER_LINES) return rejected(tooManyLines(MAX_ORDER_LINES));
  return accepted({ type: 'OrderItemAdded', data: { orderId, sku, quantity, unitPrice } });
}
