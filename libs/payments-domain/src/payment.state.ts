import type { Money, PaymentEvent } from '@platform/contracts';
import { assertNever } from './assert-never';

/**
 * One order's payment: `none → requested → charged | declined`, `charged → refunded`, and `voided`
 * when it was called off before (or while) its charge was asked of the provider.
 */
export type PaymentState =
  | { readonly status: 'none' }
  | { readonly status: 'requested'; readonly amount: Money; readonly paymentToken: string }
  | { readonly status: 'charged'; readonly amount: Money; readonly reference: string }
  | { readonly status: 'declined'; readonly reason: string }
  | { readonly status: 'refunded'; readonly amount: Money; readonly reference: string }
  /** `amount`: what was asked of the provider before it was called off, if anything was. */
  | { readonly status: 'voided'; readonly amount?: Money };

export const initialState = (): PaymentState => ({ status: 'none' });

/** Applies one recorded event; events are facts, one that does not fit leaves the state as it is. */
export function evolve(state: PaymentState, event: PaymentEvent): PaymentState {
  switch (event.type) {
    case 'PaymentRequested':
      if (state.status !== 'none') return state;
      return { status: 'requested', amount: event.data.amount, paymentToken: event.data.paymentToken };
    case 'PaymentCharged':
      if (state.status !== 'requested' && state.status !== 'voided') return state;
      return { status: 'charged', amount: event.data.amount, reference: event.data.reference };
    case 'PaymentDeclined':
      return state.status === 'requested' ? { status: 'declined', reason: event.data.reason } : state;
    case 'PaymentRefunded':
      return state.status === 'charged' ? { status: 'refunded', ...event.data } : state;
    case 'PaymentVoided':
      if (state.status === 'none') return { status: 'voided' };
      return state.status === 'requested' ? { status: 'voided', amount: state.amount } : state;
    default:
      return assertNever(event);
  }
}
