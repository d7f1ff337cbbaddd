import { z } from 'zod';
import type { Event } from '../message';
import { moneySchema, PAYMENT_TOKEN_PATTERN } from '../orders/orders.commands';

export const paymentRequestedSchema = z.strictObject({
  orderId: z.uuid(),
  amount: moneySchema,
  paymentToken: z.string().regex(PAYMENT_TOKEN_PATTERN),
});
export const paymentChargedSchema = z.strictObject({
  orderId: z.uuid(),
  amount: moneySchema,
  reference: z.string().min(1).max(200),
});
export const paymentDeclinedSchema = z.strictObject({
  orderId: z.uuid(),
  reason: z.string().min(1).max(200),
});
export const paymentRefundedSchema = z.strictObject({
  orderId: z.uuid(),
  amount: moneySchema,
  reference: z.string().min(1).max(200),
});
/** A charge still without its answer was called off; a late `charged` answer is refunded at once. */
export const paymentVoidedSchema = z.strictObject({ orderId: z.uuid() });

export type PaymentRequested = Event<'PaymentRequested', z.infer<typeof paymentRequestedSchema>>;
export type PaymentCharged = Event<'PaymentCharged', z.infer<typeof paymentChargedSchema>>;
export type PaymentDeclined = Event<'PaymentDeclined', z.infer<typeof paymentDeclinedSchema>>;
export type PaymentRefunded = Event<'PaymentRefunded', z.infer<typeof paymentRefundedSchema>>;
export type PaymentVoided = Event<'PaymentVoided', z.infer<typeof paymentVoidedSchema>>;
export type PaymentEvent =
  PaymentRequested | PaymentCharged | PaymentDeclined | PaymentRefunded | PaymentVoided;

/** Stream of one order's payment inside its tenant: `payment-<orderId>`. */
export const paymentStreamName = (orderId: string): string => `payment-${orderId}`;
