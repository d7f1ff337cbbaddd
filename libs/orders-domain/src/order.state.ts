import type { Money, OrderEvent } from '@platform/contracts';
import { assertNever } from './assert-never';

export interface OrderLine {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPrice: Money;
}

export interface EmptyOrder {
  readonly status: 'empty';
}

export interface DraftOrder {
  readonly status: 'draft';
  readonly orderId: string;
  readonly customerId: string;
  /** Set by the first item; every later item must use the same currency. */
  readonly currency?: string;
  readonly lines: readonly OrderLine[];
}

/** One order's state, folded from its stream. Later statuses join this union. */
export type OrderState = EmptyOrder | DraftOrder;

export const initialState = (): OrderState => ({ status: 'empty' });

/**
 * Applies one recorded event. Events are facts, so evolve never rejects; an event that does not
 * fit the current status (which `decide` never produces) leaves the state unchanged.
 */
export function evolve(state: OrderState, event: OrderEvent): OrderState {
  switch (event.type) {
    case 'OrderCreated':
      if (state.status !== 'empty') return state;
      return { status: 'draft', orderId: event.data.orderId, customerId: event.data.customerId, lines: [] };
    case 'OrderItemAdded': {
      if (state.status !== 'draft') return state;
      const { sku, quantity, unitPrice } = event.data;
      return {
        ...state,
        currency: state.currency ?? unitPrice.currency,
        lines: [...state.lines, { sku, quantity, unitPrice }],
      };
    }
    default:
      return assertNever(event);
  }
}
