import { z } from 'zod';
import type { Command } from '../message';
import { SKU_PATTERN } from '../orders/orders.commands';

const sku = z.string().regex(SKU_PATTERN, 'letters, digits, ".", "_" or "-", at most 64');
const quantity = z.number().int().min(1).max(1_000_000);

/** `POST /v1/products` body. */
export const createProductBodySchema = z.strictObject({
  sku,
  name: z.string().min(1).max(200),
  stock: z.number().int().min(0).max(1_000_000_000),
});

/** `POST /v1/products/{sku}/restock` body. */
export const restockProductBodySchema = z.strictObject({ quantity });

export const createProductSchema = createProductBodySchema;
export const restockProductSchema = restockProductBodySchema.extend({ sku });
/** The saga's reservation of one sku for one order; the order id makes it idempotent. */
export const reserveStockSchema = z.strictObject({ sku, orderId: z.uuid(), quantity });
/** Releases (or, on shipment, commits) what an order holds of a sku; nothing held: no change. */
export const orderStockSchema = z.strictObject({ sku, orderId: z.uuid() });

export type CreateProduct = Command<'CreateProduct', z.infer<typeof createProductSchema>>;
export type RestockProduct = Command<'RestockProduct', z.infer<typeof restockProductSchema>>;
export type ReserveStock = Command<'ReserveStock', z.infer<typeof reserveStockSchema>>;
export type ReleaseStock = Command<'ReleaseStock', z.infer<typeof orderStockSchema>>;
export type CommitStock = Command<'CommitStock', z.infer<typeof orderStockSchema>>;
export type InventoryCommand = CreateProduct | RestockProduct | ReserveStock | ReleaseStock | CommitStock;
