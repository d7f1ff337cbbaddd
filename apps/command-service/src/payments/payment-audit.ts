import type { JsonValue } from '@platform/audit';
import type { PaymentCommand } from '@platform/contracts';
import type { PaymentState } from '@platform/payments-domain';
import { assertNever } from '../command-pipeline/assert-never';
import type { AggregateAudit } from '../command-pipeline/aggregate-audit';
import { PAYMENT_USE_CASES } from './payment-use-cases';

export const paymentTarget = (orderId: string): string => `payment/${orderId}`;

/**
 * A payment's state as it goes into an audit record; `null` before it is requested. Never its
 * payment token: a token can charge the card again, the audit log keeps records for years.
 */
export function paymentStateJson(state: PaymentState): JsonValue {
  switch (state.status) {
    case 'none':
      return null;
    case 'requested':
      return { status: state.status, amount: { ...state.amount } };
    case 'charged':
    case 'refunded':
      return { status: state.status, amount: { ...state.amount }, reference: state.reference };
    case 'declined':
      return { status: state.status, reason: state.reason };
    case 'voided':
      return { status: state.status, ...(state.amount !== undefined && { amount: { ...state.amount } }) };
    default:
      return assertNever(state);
  }
}

/** Payments in the audit log: `payment.<action>` on `payment/<orderId>`. */
export const PAYMENT_AUDIT: AggregateAudit<PaymentCommand, PaymentState> = {
  actionOf: (command) => PAYMENT_USE_CASES[command.type].auditAction,
  targetOf: (command) => paymentTarget(command.data.orderId),
  stateKey: 'payment',
  stateJson: (state) => paymentStateJson(state),
};
