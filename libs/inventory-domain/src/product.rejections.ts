import type { ProblemKind } from '@platform/contracts';

/** An expected business failure of a product command, as a value (mapped to HTTP in one place). */
export interface ProductRejection {
  readonly kind: Extract<ProblemKind, 'conflict' | 'notFound'>;
  readonly code: 'product-already-exists' | 'product-not-found';
  readonly detail: string;
}

export const productAlreadyExists = (sku: string): ProductRejection => ({
  kind: 'conflict',
  code: 'product-already-exists',
  detail: `Product ${sku} already exists`,
});

export const productNotFound = (sku: string): ProductRejection => ({
  kind: 'notFound',
  code: 'product-not-found',
  detail: `Product ${sku} does not exist`,
});
