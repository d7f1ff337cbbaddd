import { z } from 'zod';
import type { Command } from '../message';
import { AMOUNT_PATTERN, CURRENCY_PATTERN } from '../money';

export const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const moneySchema = z.strictObject({
  amount: z.string().regex(AMOUNT_PATTERN, 'a decimal string with at most 4 fractional digits, e.g. "12.50"'),
  currency: z.string().regex(CURRENCY_PATTERN, 'an ISO 4217 code, e.g. "EUR"'),
});

/** `POST /v1/orders` body. */
export const createOrderBodySchema = z.strictObject({
  customerId: z.string().min(1).max(100),
});

/** `POST /v1/orders/{id}/items` body. */
export const addOrderItemBodySchema = z.strictObject({
  sku: z.string().regex(SKU_PATTERN, 'letters, digits, ".", "_" or "-", at most 64'),
  quantity: z.number().int().min(1).max(10_000),
  unitPrice: moneySchema,
});

/** Why an order was cancelled: by its customer, or by the fulfilment saga's compensation. */
export const CANCELLATION_REASONS = ['customer', 'out-of-stock', 'payment-declined', 'timeout'] as const;
export type CancellationReason = (typeof CANCELLATION_REASONS)[number];

/** A payment token of the (simulated) provider, e.g. `tok_visa`. */
export const PAYMENT_TOKEN_PATTERN = /^tok_[A-Za-z0-9_]{1,60}$/;

/** `POST /v1/orders/{id}/confirm` body. */
export const confirmOrderBodySchema = z.strictObject({
  paymentToken: z.string().regex(PAYMENT_TOKEN_PATTERN, 'a payment token, e.g. "tok_visa"'),
});

/** `POST /v1/orders/{id}/cancel` body: a client cancels for its customer only. */
export const cancelOrderBodySchema = z.strictObject({
  reason: z.literal('customer'),
});

export const createOrderSchema = createOrderBodySchema.extend({ orderId: z.uuid() });
export const addOrderItemSchema = addOrderItemBodySchema.extend({ orderId: z.uuid() });

export const confirmOrderSchema = confirmOrderBodySchema.extend({ orderId: z.uuid() });
/** Cancel: `customer` from the HTTP API, the other reasons from the fulfilment saga only. */
export const cancelOrderSchema = z.strictObject({ orderId: z.uuid(), reason: z.enum(CANCELLATION_REASONS) });
/** The saga's steps on the order: each names the order only. */
export const orderStepSchema = z.strictObject({ orderId: z.uuid() });

export type CreateOrderData = z.infer<typeof createOrderSchema>;
export type AddOrderItemData = z.infer<typeof addOrderItemSchema>;

export type CreateOrder = Command<'CreateOrder', CreateOrderData>;
export type AddOrderItem = Command<'AddOrderItem', AddOrderItemData>;
export type ConfirmOrder = Command<'ConfirmOrder', z.infer<typeof confirmOrderSchema>>;
export type CancelOrder = Command<'CancelOrder', z.infer<typeof cancelOrderSchema>>;
/** Saga: every line's stock is reserved. */
export type RecordOrderReservation = Command<'RecordOrderReservation', z.infer<typeof orderStepSchema>>;
/** Saga: the payment was charged. */
export type RecordOrderPayment = Command<'RecordOrderPayment', z.infer<typeof orderStepSchema>>;
/** Saga: the stock left the warehouse. */
export type ShipOrder = Command<'ShipOrder', z.infer<typeof orderStepSchema>>;
export type OrderCommand =
  | CreateOrder
  | AddOrderItem
  | ConfirmOrder
  | CancelOrder
  | RecordOrderReservation
  | RecordOrderPayment
  | ShipOrder;
