import { z } from 'zod';
import type { Event } from '../message';
import { CANCELLATION_REASONS, moneySchema, PAYMENT_TOKEN_PATTERN, SKU_PATTERN } from './orders.commands';

export const orderCreatedSchema = z.strictObject({
  orderId: z.uuid(),
  customerId: z.string().min(1).max(100),
});

export const orderItemAddedSchema = z.strictObject({
  orderId: z.uuid(),
  sku: z.string().regex(SKU_PATTERN),
  quantity: z.number().int().min(1),
  unitPrice: moneySchema,
});

/** A line of a confirmed order, its skus summed: what the saga reserves. */
export const orderedSkuSchema = z.strictObject({
  sku: z.string().regex(SKU_PATTERN),
  quantity: z.number().int().min(1),
});

/**
 * The order is confirmed: it carries what the fulfilment saga needs (the quantity per sku to
 * reserve, the total to charge, the payment token), so that the saga never reads the order.
 */
export const orderConfirmedSchema = z.strictObject({
  orderId: z.uuid(),
  customerId: z.string().min(1).max(100),
  skus: z.array(orderedSkuSchema).min(1),
  total: moneySchema,
  paymentToken: z.string().regex(PAYMENT_TOKEN_PATTERN),
});

export const orderCancelledSchema = z.strictObject({
  orderId: z.uuid(),
  reason: z.enum(CANCELLATION_REASONS),
  /** The status the order was cancelled from, so that the saga knows what to compensate. */
  from: z.enum(['draft', 'confirmed', 'reserved', 'paid']),
});

export const orderStepDoneSchema = z.strictObject({ orderId: z.uuid() });

export type OrderCreated = Event<'OrderCreated', z.infer<typeof orderCreatedSchema>>;
export type OrderItemAdded = Event<'OrderItemAdded', z.infer<typeof orderItemAddedSchema>>;
export type OrderConfirmed = Event<'OrderConfirmed', z.infer<typeof orderConfirmedSchema>>;
export type OrderReserved = Event<'OrderReserved', z.infer<typeof orderStepDoneSchema>>;
export type OrderPaid = Event<'OrderPaid', z.infer<typeof orderStepDoneSchema>>;
export type OrderShipped = Event<'OrderShipped', z.infer<typeof orderStepDoneSchema>>;
export type OrderCancelled = Event<'OrderCancelled', z.infer<typeof orderCancelledSchema>>;
export type OrderEvent =
  OrderCreated | OrderItemAdded | OrderConfirmed | OrderReserved | OrderPaid | OrderShipped | OrderCancelled;

/** Stream of one order inside its tenant: `order-<orderId>`. */
export const orderStreamName = (orderId: string): string => `order-${orderId}`;
