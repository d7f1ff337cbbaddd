import type { OrderUseCase } from '../order-use-cases';

/**
 * `CancelOrder` (Kafka `orders.commands`, `POST /v1/orders/{id}/cancel` at the gateway, and the
 * fulfilment saga's compensations): audited as `order.cancel`, no quota unit. Its rules:
 * `cancelOrder` in `@platform/orders-domain`.
 */
export const cancellingOrder: OrderUseCase = {
  auditAction: 'order.cancel',
  quotaCharge: () => undefined,
};
