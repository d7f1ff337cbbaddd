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
  'order-already-exists' | 'order-not-found' | 'currency-mismatch' | 'too-many-lines';

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
