import {
  accepted,
  rejected,
  type DecideResult,
  type Decider,
  type PaymentCommand,
  type PaymentEvent,
  type ProblemKind,
  type RecordChargeOutcome,
} from '@platform/contracts';
import { assertNever } from './assert-never';
import { evolve, initialState, type PaymentState } from './payment.state';

export interface PaymentRejection {
  readonly kind: Extract<ProblemKind, 'conflict'>;
  readonly code: 'payment-not-requested';
  readonly detail: string;
}

type Result = DecideResult<PaymentEvent, PaymentRejection>;

/**
 * The payment's rules. An order is charged at most once: a second `ChargePayment` (a redelivery, a
 * saga that repeats itself) changes nothing, and neither does one after the payment was voided. The
 * provider's answer is recorded once; a `charged` answer that arrives after the payment was voided
 * (the saga gave up waiting) is recorded and refunded at once, so no money is kept for a cancelled
 * order.
 */
export function decide(command: PaymentCommand, state: PaymentState): Result {
  switch (command.type) {
    case 'ChargePayment':
      if (state.status !== 'none') return accepted();
      return accepted({ type: 'PaymentRequested', data: command.data });
    case 'RecordChargeOutcome':
      return recordOutcome(command, state);
    case 'RefundPayment': {
      const { orderId } = command.data;
      switch (state.status) {
        case 'none':
        case 'requested':
          return accepted({ type: 'PaymentVoided', data: { orderId } });
        case 'charged':
          return accepted({
            type: 'PaymentRefunded',
            data: { orderId, amount: state.amount, reference: state.reference },
          });
        case 'declined':
        case 'refunded':
        case 'voided':
          return accepted();
        default:
          return assertNever(state);
      }
    }
    default:
      return assertNever(command);
  }
}

function recordOutcome(command: RecordChargeOutcome, state: PaymentState): Result {
  const { orderId, outcome, reference } = command.data;
  switch (state.status) {
    case 'none':
      return rejected({
        kind: 'conflict',
        code: 'payment-not-requested',
        detail: `No charge was requested for order ${orderId}`,
      });
    case 'requested':
      return outcome === 'charged'
        ? accepted({ type: 'PaymentCharged', data: { orderId, amount: state.amount, reference } })
        : accepted({ type: 'PaymentDeclined', data: { orderId, reason: reference } });
    case 'voided': {
      // nothing was asked of the provider when it was voided before its request: nothing to refund
      const { amount } = state;
      if (outcome !== 'charged' || amount === undefined) return accepted();
      return accepted(
        { type: 'PaymentCharged', data: { orderId, amount, reference } },
        { type: 'PaymentRefunded', data: { orderId, amount, reference } },
      );
    }
    case 'charged':
    case 'declined':
    case 'refunded':
      return accepted();
    default:
      return assertNever(state);
  }
}

export const paymentDecider: Decider<PaymentCommand, PaymentEvent, PaymentState, PaymentRejection> = {
  decide,
  evolve,
  initialState,
};
