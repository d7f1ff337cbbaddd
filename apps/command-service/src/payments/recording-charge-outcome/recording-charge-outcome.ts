import type { PaymentUseCase } from '../payment-use-cases';

/**
 * `RecordChargeOutcome` (sent by the payment processor with the provider's answer, never by a
 * client): audited as `payment.record-outcome`. Recorded once: `PaymentCharged` or
 * `PaymentDeclined`; a late `charged` after a void is recorded and refunded at once.
 */
export const recordingChargeOutcome: PaymentUseCase = { auditAction: 'payment.record-outcome' };
