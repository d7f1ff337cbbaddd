import type { CancelOrder, OrderEvent } from '@platform/contracts';
import { accepted, type DecideResult, rejected } from './decider';
import { orderNotFound, orderStatusConflict, type OrderRejection } from './order.rejections';
import type { OrderState } from './order.state';

/**
 * Cancels an order that has not shipped. The customer may cancel until shipment (the saga then
 * releases and refunds what it holds); the saga cancels as compensation (`out-of-stock`,
 * `payment-declined`, `timeout`). A compensation that finds the order already cancelled changes
 * nothing and is not refused: the order is where the saga wants it. A customer's second cancel is
 * refused (409), as is any cancel of a shipped order.
 */
export function cancelOrder(
  command: CancelOrder,
  state: OrderState,
): DecideResult<OrderEvent, OrderRejection> {
  const { orderId, reason } = command.data;
  switch (state.status) {
    case 'empty':
      return rejected(orderNotFound(orderId));
    case 'draft':
    case 'confirmed':
    case 'reserved':
    case 'paid':
      return accepted({ type: 'OrderCancelled', data: { orderId, reason, from: state.status } });
    case 'cancelled':
      return reason === 'customer'
        ? rejected(orderStatusConflict(orderId, 'cancelled', 'be cancelled again'))
        : accepted();
    case 'shipped':
      return rejected(orderStatusConflict(orderId, 'shipped', 'be cancelled'));
  }
}
