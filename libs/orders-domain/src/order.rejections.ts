import type { ProblemKind } from '@platform/contracts';

/**
 * An expected business failure, as a value. `kind` is a contracts {@link ProblemKind}, so the
 * transport maps every rejection to its HTTP status in one place.
 */
export interface OrderRejection {
  readonly kind: Extract<ProblemKind, 'conflict' | 'notFound'>;
  readonly code: OrderRejectionCode;
  readonly detail: string;
}

export type OrderRejectionCode =
  | 'order-already-exists'
  | 'order-not-found'
  | 'currency-mismatch'
  | 'too-many-lines'
  | 'order-empty'
  | 'order-status-conflict';

export const orderAlreadyExists = (orderId: string): OrderRejection => ({
  kind: 'conflict',
  code: 'order-already-exists',
  detail: `Order ${orderId} already exists`,
});

export const orderNotFound = (orderId: string): OrderRejection => ({
  kind: 'notFound',
  code: 'order-not-found',
  detail: `Order ${orderId} does not exist`,
});

export const currencyMismatch = (orderCurrency: string, itemCurrency: string): OrderRejection => ({
  kind: 'conflict',
  code: 'currency-mismatch',
  detail: `Order is priced in ${orderCurrency}; an item in ${itemCurrency} cannot be added`,
});

export const tooManyLines = (max: number): OrderRejection => ({
  kind: 'conflict',
  code: 'too-many-lines',
  detail: `An order holds at most ${max} lines`,
});

export const orderEmpty = (orderId: string): OrderRejection => ({
  kind: 'conflict',
  code: 'order-empty',
  detail: `Order ${orderId} has no items; an empty order cannot be confirmed`,
});

/** The command does not fit the order's status (e.g. adding an item to a shipped order). */
export const orderStatusConflict = (orderId: string, status: string, action: string): OrderRejection => ({
  kind: 'conflict',
  code: 'order-status-conflict',
  detail: `Order ${orderId} is ${status}; it cannot ${action}`,
});
