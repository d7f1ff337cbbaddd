import type { OrderUseCase } from '../order-use-cases';

/**
 * The fulfilment saga's steps on an order (Kafka `orders.commands` only; no HTTP route):
 * `RecordOrderReservation`, `RecordOrderPayment`, `ShipOrder`, audited as `order.record-reservation`,
 * `order.record-payment` and `order.ship`, no quota unit. Their rules: `fulfilmentStep` in
 * `@platform/orders-domain`.
 */
export const fulfillingOrder: {
  readonly recordReservation: OrderUseCase;
  readonly recordPayment: OrderUseCase;
  readonly ship: OrderUseCase;
} = {
  recordReservation: { auditAction: 'order.record-reservation', quotaCharge: () => undefined },
  recordPayment: { auditAction: 'order.record-payment', quotaCharge: () => undefined },
  ship: { auditAction: 'order.ship', quotaCharge: () => undefined },
};
