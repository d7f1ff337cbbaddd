import type { StreamCache } from '@platform/command-handling';
import {
  productStreamName,
  type InventoryCommand,
  type InventoryEvent,
  type ProblemData,
} from '@platform/contracts';
import type { EventStore } from '@platform/event-store';
import { productDecider, type ProductState } from '@platform/inventory-domain';
import type { AuditedAppend } from '../audited-append/audited-append.port';
import type { CommandMetadata } from '../command-pipeline/command-metadata';
import { handleAggregateCommand, type AggregateKind } from '../command-pipeline/handle-aggregate-command';
import { PRODUCT_AUDIT } from './product-audit';

/** The Product aggregate in the command service: `product-<sku>`, audited as `product.*` on `product/<sku>`. */
export const PRODUCT_KIND: AggregateKind<InventoryCommand, InventoryEvent, ProductState> = {
  context: 'inventory',
  decider: productDecider,
  subject: 'the product',
  streamOf: (command) => productStreamName(command.data.sku),
  audit: PRODUCT_AUDIT,
};

export interface InventoryCommandPorts {
  readonly store: Pick<EventStore, 'readStream'>;
  readonly audited: AuditedAppend;
  readonly cache?: StreamCache<ProductState>;
}

/** On success: the product's sku, its version and the position of its last event. */
export type InventoryOutcome =
  | { readonly ok: true; readonly sku: string; readonly version: number; readonly position: number }
  | { readonly ok: false; readonly problem: ProblemData; readonly cause?: unknown };

/**
 * Load, decide, append: the application service of the Product aggregate (one per tenant and sku),
 * on the one command pipeline (`handleAggregateCommand`, ADR 0019): audited, `If-Match` checked,
 * a repeated command id answered as its first run. Commands of one sku arrive in order on one
 * partition (key = sku), so reservations are decided one after the other on the state the last one
 * left; a second instance that gets the partition after a rebalance appends at the version it read,
 * and a wrong expected version makes it read and decide again: never oversold either way.
 */
export async function handleInventoryCommand(
  ports: InventoryCommandPorts,
  command: InventoryCommand,
  meta: CommandMetadata,
  maxStorageBytes: number,
): Promise<InventoryOutcome> {
  const outcome = await handleAggregateCommand(PRODUCT_KIND, ports, command, meta, { maxStorageBytes });
  if (!outcome.ok) return outcome;
  return { ok: true, sku: command.data.sku, version: outcome.version, position: outcome.position };
}
