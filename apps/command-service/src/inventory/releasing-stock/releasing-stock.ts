import type { InventoryUseCase } from '../inventory-use-cases';

/**
 * `ReleaseStock` (Kafka `inventory.commands`, the fulfilment saga's compensation): audited as
 * `product.release`; gives an order's hold back to what is available, nothing when it holds none.
 */
export const releasingStock: InventoryUseCase = { auditAction: 'product.release' };
