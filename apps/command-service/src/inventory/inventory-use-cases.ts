import type { InventoryCommand } from '@platform/contracts';
import { committingStock } from './committing-stock/committing-stock';
import { creatingProduct } from './creating-product/creating-product';
import { releasingStock } from './releasing-stock/releasing-stock';
import { reservingStock } from './reserving-stock/reserving-stock';
import { restockingProduct } from './restocking-product/restocking-product';

/**
 * What is particular to one inventory command in this service; its business rules are its
 * decider's, in `@platform/inventory-domain`. Everything else (load, If-Match, append with audit,
 * retries, refusals, repeats) is the pipeline's: {@link handleInventoryCommand}. No inventory
 * command costs a quota unit (the plan's storage still holds every write).
 */
export interface InventoryUseCase {
  /** The command's audit action (contract §8); a refused one adds `.refused`. */
  readonly auditAction: string;
}

/** Each inventory command's use case: a new command adds its folder beside these, and a line here. */
export const INVENTORY_USE_CASES: { readonly [Type in InventoryCommand['type']]: InventoryUseCase } = {
  CreateProduct: creatingProduct,
  RestockProduct: restockingProduct,
  ReserveStock: reservingStock,
  ReleaseStock: releasingStock,
  CommitStock: committingStock,
};
