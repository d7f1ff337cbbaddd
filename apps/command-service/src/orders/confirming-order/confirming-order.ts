import type { OrderUseCase } from '../order-use-cases';

/**
 * `ConfirmOrder` (Kafka `orders.commands`, `POST /v1/orders/{id}/confirm` at the gateway): audited
 * as `order.confirm`, and costs no quota unit (the order was counted when created). Its rules:
 * `confirmOrder` in `@platform/orders-domain`; its `OrderConfirmed` starts the fulfilment saga.
 */
export const confirmingOrder: OrderUseCase = {
  auditAction: 'order.confirm',
  quotaCharge: () => undefined,
};
