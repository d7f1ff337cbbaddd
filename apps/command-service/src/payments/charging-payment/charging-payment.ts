import type { PaymentUseCase } from '../payment-use-cases';

/**
 * `ChargePayment` (Kafka `payments.commands`, from the fulfilment saga; keyed by order id): audited
 * as `payment.charge`. It only records `PaymentRequested` (once per order); the payment processor
 * (`processing-payment/`) then asks the provider. Its rules: `decide` in `@platform/payments-domain`.
 */
export const chargingPayment: PaymentUseCase = { auditAction: 'payment.charge' };
