import type { CancellationReason, Money } from '@platform/contracts';

/** A sku and the quantity the order takes of it. */
export interface SkuQuantity {
  readonly sku: string;
  readonly quantity: number;
}

/** What every fulfilment under way knows of its order (from `OrderConfirmed`). */
interface Fulfilment {
  readonly orderId: string;
  readonly skus: readonly SkuQuantity[];
  readonly total: Money;
  readonly paymentToken: string;
}

/**
 * One order's fulfilment: reserve every sku, then charge, then ship; or compensate and cancel.
 * `reserving` and `paying` wait for an answer under a deadline; `shipping` waits for the order's own
 * `OrderShipped` (a command to the platform's own aggregate, delivered through the outbox).
 */
export type FulfilmentState =
  | { readonly status: 'idle' }
  | (Fulfilment & { readonly status: 'reserving'; readonly reserved: readonly string[] })
  | (Fulfilment & { readonly status: 'paying' })
  | (Fulfilment & { readonly status: 'shipping' })
  | { readonly status: 'shipped'; readonly orderId: string }
  | { readonly status: 'cancelled'; readonly orderId: string; readonly reason: CancellationReason };

export const initialFulfilment = (): FulfilmentState => ({ status: 'idle' });
