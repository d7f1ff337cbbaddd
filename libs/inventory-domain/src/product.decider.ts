import {
  accepted,
  rejected,
  type DecideResult,
  type Decider,
  type InventoryCommand,
  type InventoryEvent,
  type ReserveStock,
} from '@platform/contracts';
import { assertNever } from './assert-never';
import { productAlreadyExists, productNotFound, type ProductRejection } from './product.rejections';
import { evolve, initialState, type ProductState } from './product.state';

type Result = DecideResult<InventoryEvent, ProductRejection>;

/**
 * The product's rules. Stock is never oversold: a reservation takes all of its quantity from what is
 * available or nothing (`StockReservationRejected`, which the saga turns into an `out-of-stock`
 * cancellation). The saga's commands are idempotent per order: a second reservation for the same
 * order, or a release or commit of nothing held, changes nothing.
 */
export function decide(command: InventoryCommand, state: ProductState): Result {
  switch (command.type) {
    case 'CreateProduct': {
      if (state.status !== 'unknown') return rejected(productAlreadyExists(command.data.sku));
      return accepted({ type: 'ProductCreated', data: command.data });
    }
    case 'RestockProduct':
      if (state.status !== 'active') return rejected(productNotFound(command.data.sku));
      return accepted({ type: 'ProductRestocked', data: command.data });
    case 'ReserveStock':
      return reserve(command, state);
    case 'ReleaseStock':
    case 'CommitStock': {
      const { sku, orderId } = command.data;
      const quantity = state.status === 'active' ? state.holds[orderId] : undefined;
      if (quantity === undefined) return accepted();
      const type = command.type === 'ReleaseStock' ? 'StockReleased' : 'StockCommitted';
      return accepted({ type, data: { sku, orderId, quantity } });
    }
    default:
      return assertNever(command);
  }
}

/** An unknown sku is out of stock for the saga (an event it can act on), not a refusal it never sees. */
function reserve(command: ReserveStock, state: ProductState): Result {
  const { sku, orderId, quantity } = command.data;
  if (state.status === 'active' && state.holds[orderId] !== undefined) return accepted();
  const available = state.status === 'active' ? state.available : 0;
  if (available < quantity) {
    return accepted({ type: 'StockReservationRejected', data: { sku, orderId, quantity, available } });
  }
  return accepted({ type: 'StockReserved', data: { sku, orderId, quantity } });
}

export const productDecider: Decider<InventoryCommand, InventoryEvent, ProductState, ProductRejection> = {
  decide,
  evolve,
  initialState,
};
