import type { InventoryUseCase } from '../inventory-use-cases';

/**
 * `CreateProduct` (Kafka `inventory.commands`, `POST /v1/products` at the gateway): audited as
 * `product.create`. Its rules: `decide` in `@platform/inventory-domain` (a sku exists once per
 * tenant, 409 `product-already-exists`).
 */
export const creatingProduct: InventoryUseCase = { auditAction: 'product.create' };
