import type { InventoryUseCase } from '../inventory-use-cases';

/**
 * `CommitStock` (Kafka `inventory.commands`, the fulfilment saga once the order ships): audited as
 * `product.commit`; what the order held leaves the stock, nothing when it holds none.
 */
export const committingStock: InventoryUseCase = { auditAction: 'product.commit' };
