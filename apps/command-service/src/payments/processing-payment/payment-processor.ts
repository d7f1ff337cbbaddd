import { createHash } from 'node:crypto';
import { paymentRefundedSchema, paymentRequestedSchema, type RecordChargeOutcome } from '@platform/contracts';
import type { PaymentProvider, PaymentState } from '@platform/payments-domain';

/** A payment event as the processor sees it: its type, data and `ce_id`. */
export interface PaymentEventMessage {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
}

/** What the processor needs around the provider. */
export interface PaymentProcessorPorts {
  readonly provider: PaymentProvider;
  /** The payment as its stream holds it now (a charge is only asked for while it is `requested`). */
  readonly paymentOf: (orderId: string) => Promise<PaymentState>;
  /** Sends the provider's answer as a command, under the given command id (the pipeline runs it once). */
  readonly record: (command: RecordChargeOutcome, commandId: string) => Promise<void>;
  /** The signal that abandons one charge: `AbortSignal.timeout(PAYMENT_PROVIDER_TIMEOUT_MS)` in service. */
  readonly deadline: () => AbortSignal;
}

/** What the processor did with one event. */
export type ProcessorStep =
  | { readonly did: 'recorded'; readonly outcome: 'charged' | 'declined' }
  | { readonly did: 'abandoned' }
  | { readonly did: 'refunded' }
  | { readonly did: 'nothing'; readonly why: string };

/**
 * The payment processor (ADR 0023): asks the provider for what the payment's events call for.
 *
 * - `PaymentRequested`: charges the provider with the order id as idempotency key, under a
 *   deadline, then sends `RecordChargeOutcome` (charged or declined, with the provider's reference)
 *   under a command id derived from the event's id, so that a redelivered event records nothing
 *   twice. A payment no longer `requested` (already answered, voided) is not charged again. A charge
 *   that does not answer in time is abandoned: nothing is recorded, and the saga's step deadline
 *   compensates (`RefundPayment` voids the payment; a late `charged` would be refunded).
 * - `PaymentRefunded`: refunds the charge at the provider (idempotent by order id there).
 *
 * A provider error other than the deadline is thrown: the consumer retries the event, then
 * dead-letters it.
 */
export async function processPaymentEvent(
  ports: PaymentProcessorPorts,
  event: PaymentEventMessage,
): Promise<ProcessorStep> {
  switch (event.type) {
    case 'PaymentRequested': {
      const { orderId, amount, paymentToken } = paymentRequestedSchema.parse(event.data);
      const payment = await ports.paymentOf(orderId);
      if (payment.status !== 'requested') return { did: 'nothing', why: `the payment is ${payment.status}` };
      const signal = ports.deadline();
      let answer;
      try {
        answer = await ports.provider.charge({ idempotencyKey: orderId, amount, paymentToken }, signal);
      } catch (error) {
        if (signal.aborted) return { did: 'abandoned' };
        throw error;
      }
      await ports.record(
        {
          type: 'RecordChargeOutcome',
          data: { orderId, outcome: answer.outcome, reference: answer.reference },
        },
        derivedId(event.id, 'RecordChargeOutcome'),
      );
      return { did: 'recorded', outcome: answer.outcome };
    }
    case 'PaymentRefunded': {
      const { orderId, amount, reference } = paymentRefundedSchema.parse(event.data);
      await ports.provider.refund({ idempotencyKey: orderId, reference, amount });
      return { did: 'refunded' };
    }
    default:
      return { did: 'nothing', why: `${event.type} asks nothing of the provider` };
  }
}

/** A UUID (version 8, RFC 9562) hashed from an event id and a purpose: the same for every redelivery. */
export function derivedId(eventId: string, purpose: string): string {
  const bytes = createHash('sha256').update(`${purpose}\n${eventId}`).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
