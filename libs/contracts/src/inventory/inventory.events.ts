import { z } from 'zod';
import type { Event } from '../message';
import { SKU_PATTERN } from '../orders/orders.commands';

const sku = z.string().regex(SKU_PATTERN);
const count = z.number().int().min(0);

export const productCreatedSchema = z.strictObject({ sku, name: z.string().min(1).max(200), stock: count });
export const productRestockedSchema = z.strictObject({ sku, quantity: count.min(1) });
export const stockReservedSchema = z.strictObject({ sku, orderId: z.uuid(), quantity: count.min(1) });
/** Not enough available: the order gets nothing of this sku (never a part). */
export const stockReservationRejectedSchema = z.strictObject({
  sku,
  orderId: z.uuid(),
  quantity: count.min(1),
  available: count,
});
export const stockReleasedSchema = z.strictObject({ sku, orderId: z.uuid(), quantity: count.min(1) });
export const stockCommittedSchema = z.strictObject({ sku, orderId: z.uuid(), quantity: count.min(1) });

export type ProductCreated = Event<'ProductCreated', z.infer<typeof productCreatedSchema>>;
export type ProductRestocked = Event<'ProductRestocked', z.infer<typeof productRestockedSchema>>;
export type StockReserved = Event<'StockReserved', z.infer<typeof stockReservedSchema>>;
export type StockReservationRejected = Event<
  'StockReservationRejected',
  z.infer<typeof stockReservationRejectedSchema>
>;
export type StockReleased = Event<'StockReleased', z.infer<typeof stockReleasedSchema>>;
export type StockCommitted = Event<'StockCommitted', z.infer<typeof stockCommittedSchema>>;
export type InventoryEvent =
  | ProductCreated
  | ProductRestocked
  | StockReserved
  | StockReservationRejected
  | StockReleased
  | StockCommitted;

/** Stream of one product inside its tenant: `product-<sku>`. */
export const productStreamName = (sku: string): string => `product-${sku}`;
