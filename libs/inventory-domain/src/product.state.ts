import type { InventoryEvent } from '@platform/contracts';
import { assertNever } from './assert-never';

export interface UnknownProduct {
  readonly status: 'unknown';
}

/**
 * A product of one tenant: `available + reserved` is what is on hand. `holds` are the reservations
 * by order id; a reservation leaves by its release (back to available) or its commit (shipped).
 */
export interface Product {
  readonly status: 'active';
  readonly sku: string;
  readonly name: string;
  readonly available: number;
  readonly reserved: number;
  readonly holds: Readonly<Record<string, number>>;
}

export type ProductState = UnknownProduct | Product;

export const initialState = (): ProductState => ({ status: 'unknown' });

const without = (holds: Readonly<Record<string, number>>, orderId: string): Record<string, number> => {
  const rest = { ...holds };
  delete rest[orderId];
  return rest;
};

/** Applies one recorded event; events are facts, one that does not fit leaves the state as it is. */
export function evolve(state: ProductState, event: InventoryEvent): ProductState {
  switch (event.type) {
    case 'ProductCreated':
      if (state.status !== 'unknown') return state;
      return {
        status: 'active',
        sku: event.data.sku,
        name: event.data.name,
        available: event.data.stock,
        reserved: 0,
        holds: {},
      };
    case 'ProductRestocked':
      if (state.status !== 'active') return state;
      return { ...state, available: state.available + event.data.quantity };
    case 'StockReserved': {
      if (state.status !== 'active') return state;
      const { orderId, quantity } = event.data;
      return {
        ...state,
        available: state.available - quantity,
        reserved: state.reserved + quantity,
        holds: { ...state.holds, [orderId]: quantity },
      };
    }
    case 'StockReservationRejected':
      return state;
    case 'StockReleased': {
      if (state.status !== 'active') return state;
      const { orderId, quantity } = event.data;
      return {
        ...state,
        available: state.available + quantity,
        reserved: state.reserved - quantity,
        holds: without(state.holds, orderId),
      };
    }
    case 'StockCommitted': {
      if (state.status !== 'active') return state;
      const { orderId, quantity } = event.data;
      return { ...state, reserved: state.reserved - quantity, holds: without(state.holds, orderId) };
    }
    default:
      return assertNever(event);
  }
}
