import type { OrderUseCase } from '../order-use-cases';

/**
 * `AddOrderItem` (Kafka `orders.commands`, `POST /v1/orders/{id}/items` at the gateway): audited as
 * `order.add-item`, and costs no quota unit. Its rules: `addOrderItem` in `@platform/orders-domain`.
 */
export const addingOrderItem: OrderUseCase = {
  auditAction: 'order.add-item',
  quotaCharge: () => undefined,
};
