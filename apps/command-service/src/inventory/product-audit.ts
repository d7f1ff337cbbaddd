import type { JsonValue } from '@platform/audit';
import type { InventoryCommand } from '@platform/contracts';
import type { ProductState } from '@platform/inventory-domain';
import { assertNever } from '../command-pipeline/assert-never';
import type { AggregateAudit } from '../command-pipeline/aggregate-audit';
import { INVENTORY_USE_CASES } from './inventory-use-cases';

export const productTarget = (sku: string): string => `product/${sku}`;

/**
 * A product's state as it goes into an audit record; `null` before it exists. Its stock, and for a
 * command about one order (reserve, release, commit) that order's hold (`0` when none): not every
 * order's, which would make each record as large as the product's open orders.
 */
export function productStateJson(state: ProductState, command: InventoryCommand): JsonValue {
  switch (state.status) {
    case 'unknown':
      return null;
    case 'active': {
      const { sku, name, available, reserved } = state;
      const orderId = 'orderId' in command.data ? command.data.orderId : undefined;
      return {
        sku,
        name,
        available,
        reserved,
        ...(orderId !== undefined && { hold: { orderId, quantity: state.holds[orderId] ?? 0 } }),
      };
    }
    default:
      return assertNever(state);
  }
}

/** Products in the audit log: `product.<action>` on `product/<sku>`. */
export const PRODUCT_AUDIT: AggregateAudit<InventoryCommand, ProductState> = {
  actionOf: (command) => INVENTORY_USE_CASES[command.type].auditAction,
  targetOf: (command) => productTarget(command.data.sku),
  stateKey: 'product',
  stateJson: productStateJson,
};
