import type { ConfirmOrder, OrderEvent } from '@platform/contracts';
import { accepted, type DecideResult, rejected } from './decider';
import { orderEmpty, orderNotFound, orderStatusConflict, type OrderRejection } from './order.rejections';
import type { OrderState } from './order.state';
import { orderTotal } from './order-total';

/**
 * Confirms a draft with at least one item. The event carries what the fulfilment saga needs: each
 * sku's quantity summed over the lines (in the order the skus first appear), the total and the
 * payment token.
 */
export function confirmOrder(
  command: ConfirmOrder,
  state: OrderState,
): DecideResult<OrderEvent, OrderRejection> {
  const { orderId, paymentToken } = command.data;
  if (state.status === 'empty') return rejected(orderNotFound(orderId));
  if (state.status !== 'draft') return rejected(orderStatusConflict(orderId, state.status, 'be confirmed'));
  const total = orderTotal(state);
  if (state.lines.length === 0 || total === undefined) return rejected(orderEmpty(orderId));
  const quantities = new Map<string, number>();
  for (const line of state.lines) quantities.set(line.sku, (quantities.get(line.sku) ?? 0) + line.quantity);
  return accepted({
    type: 'OrderConfirmed',
    data: {
      orderId,
      customerId: state.customerId,
      skus: [...quantities].map(([sku, quantity]) => ({ sku, quantity })),
      total,
      paymentToken,
    },
  });
}
