import { z } from 'zod';
import type { Command } from '../message';
import { moneySchema, PAYMENT_TOKEN_PATTERN } from '../orders/orders.commands';

/** The saga charges an order's total once; the order id is the provider's idempotency key. */
export const chargePaymentSchema = z.strictObject({
  orderId: z.uuid(),
  amount: moneySchema,
  paymentToken: z.string().regex(PAYMENT_TOKEN_PATTERN),
});

/** What the provider answered to a charge (recorded by the payments handler, never by a client). */
export const recordChargeOutcomeSchema = z.strictObject({
  orderId: z.uuid(),
  outcome: z.enum(['charged', 'declined']),
  /** The provider's id of the charge, or its decline code. */
  reference: z.string().min(1).max(200),
});

/** Gives the money back (charged), or voids a charge still waiting for its answer. */
export const refundPaymentSchema = z.strictObject({ orderId: z.uuid() });

export type ChargePayment = Command<'ChargePayment', z.infer<typeof chargePaymentSchema>>;
export type RecordChargeOutcome = Command<'RecordChargeOutcome', z.infer<typeof recordChargeOutcomeSchema>>;
export type RefundPayment = Command<'RefundPayment', z.infer<typeof refundPaymentSchema>>;
export type PaymentCommand = ChargePayment | RecordChargeOutcome | RefundPayment;
