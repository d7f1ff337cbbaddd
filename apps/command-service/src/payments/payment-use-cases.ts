import type { PaymentCommand } from '@platform/contracts';
import { chargingPayment } from './charging-payment/charging-payment';
import { recordingChargeOutcome } from './recording-charge-outcome/recording-charge-outcome';
import { refundingPayment } from './refunding-payment/refunding-payment';

/**
 * What is particular to one payment command in this service; its business rules are its decider's,
 * in `@platform/payments-domain`. Everything else is the pipeline's: {@link handlePaymentCommand}.
 * No payment command costs a quota unit (the plan's storage still holds every write).
 */
export interface PaymentUseCase {
  /** The command's audit action (contract §8); a refused one adds `.refused`. */
  readonly auditAction: string;
}

/** Each payment command's use case: a new command adds its folder beside these, and a line here. */
export const PAYMENT_USE_CASES: { readonly [Type in PaymentCommand['type']]: PaymentUseCase } = {
  ChargePayment: chargingPayment,
  RecordChargeOutcome: recordingChargeOutcome,
  RefundPayment: refundingPayment,
};
