import type { CancellationReason, Money, OrderEvent } from '@platform/contracts';
import { assertNever } from './assert-never';

export interface OrderLine {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPrice: Money;
}

export interface EmptyOrder {
  readonly status: 'empty';
}

/** What every order that exists has, whatever its status. */
interface OrderBody {
  readonly orderId: string;
  readonly customerId: string;
  /** Set by the first item; every later item must use the same currency. */
  readonly currency?: string;
  readonly lines: readonly OrderLine[];
}

/** Items may be added until it is confirmed. */
export interface DraftOrder extends OrderBody {
  readonly status: 'draft';
}

/** Confirmed by its customer; the fulfilment saga moves it on: reserved, then paid. */
export interface OrderInFulfilment extends OrderBody {
  readonly status: 'confirmed' | 'reserved' | 'paid';
}

export interface ShippedOrder extends OrderBody {
  readonly status: 'shipped';
}

export interface CancelledOrder extends OrderBody {
  readonly status: 'cancelled';
  readonly reason: CancellationReason;
}

/** One order's state, folded from its stream: `draft → confirmed → reserved → paid → shipped`, or `cancelled`. */
export type OrderState = EmptyOrder | DraftOrder | OrderInFulfilment | ShippedOrder | CancelledOrder;

/** The statuses an order exists in. */
export type OrderStatus = Exclude<OrderState['status'], 'empty'>;

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
    case 'OrderConfirmed':
      return state.status === 'draft' ? { ...state, status: 'confirmed' } : state;
    case 'OrderReserved':
      return state.status === 'confirmed' ? { ...state, status: 'reserved' } : state;
    case 'OrderPaid':
      return state.status === 'reserved' ? { ...state, status: 'paid' } : state;
    case 'OrderShipped':
      return state.status === 'paid' ? { ...state, status: 'shipped' } : state;
    case 'OrderCancelled':
      if (state.status === 'empty' || state.status === 'shipped' || state.status === 'cancelled')
        return state;
      return { ...state, status: 'cancelled', reason: event.data.reason };
    default:
      return assertNever(event);
  }
}
