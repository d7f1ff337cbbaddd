import type { InventoryUseCase } from '../inventory-use-cases';

/**
 * `RestockProduct` (Kafka `inventory.commands`, `POST /v1/products/{sku}/restock` at the gateway):
 * audited as `product.restock`. Its rules: `decide` in `@platform/inventory-domain` (an unknown sku
 * is 404 `product-not-found`).
 */
export const restockingProduct: InventoryUseCase = { auditAction: 'product.restock' };
