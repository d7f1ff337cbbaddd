import type { InventoryUseCase } from '../inventory-use-cases';

/**
 * `ReserveStock` (Kafka `inventory.commands`, from the fulfilment saga only; keyed by sku, so one
 * product's reservations are decided one after the other): audited as `product.reserve`. Never
 * oversold: all of the quantity or nothing (`StockReservationRejected`); once per order. Its rules:
 * `decide` in `@platform/inventory-domain`.
 */
export const reservingStock: InventoryUseCase = { auditAction: 'product.reserve' };
