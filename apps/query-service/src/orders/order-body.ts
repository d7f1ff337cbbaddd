import type { OrderRow } from '@platform/read-models';

/** An order as `GET /v1/orders/{id}` and the list answer it. */
export function orderBody(order: OrderRow) {
  return {
    id: order.id,
    customerId: order.customerId,
    status: order.status,
    items: order.items,
    totalAmount: order.totalAmount,
    currency: order.currency,
    itemCount: order.itemCount,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    version: order.version,
  };
}
