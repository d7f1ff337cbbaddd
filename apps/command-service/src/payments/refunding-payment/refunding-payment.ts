import type { PaymentUseCase } from '../payment-use-cases';

/**
 * `RefundPayment` (Kafka `payments.commands`, the fulfilment saga's compensation): audited as
 * `payment.refund`. `PaymentRefunded` when charged (the processor then refunds at the provider),
 * `PaymentVoided` while the charge still waits for its answer, nothing otherwise.
 */
export const refundingPayment: PaymentUseCase = { auditAction: 'payment.refund' };
