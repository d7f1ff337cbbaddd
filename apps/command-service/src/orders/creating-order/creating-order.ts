import type { OrderUseCase } from '../order-use-cases';
import { ORDERS_METRIC } from '../order-quota';

/**
 * `CreateOrder` (Kafka `orders.commands`, `POST /v1/orders` at the gateway): audited as
 * `order.create`, and takes one of the month's orders of the tenant's plan. Its rules: `createOrder`
 * in `@platform/orders-domain`.
 */
export const creatingOrder: OrderUseCase = {
  auditAction: 'order.create',
  quotaCharge: (limits, at) => ({ metric: ORDERS_METRIC, limit: limits.maxOrdersPerMonth, at }),
};
