import type { EntityManager } from 'typeorm';
import type { InventoryEvent } from '@platform/contracts';
import type { SeenPositions } from '../seen-positions';
import type { TenantDataSources } from '../tenant-data-sources';
import { storageOf, type TenantStorage } from '../tenant-storage';
import { insertProcessedEvents } from '../orders/order-view.statements';
import {
  scopeToTenant,
  UnknownTenantError,
  type ApplyOutcome,
  type IsolationOf,
} from '../orders/order-view.store';
import { projectProducts, type ProductRow } from './product-projection';

/** One inventory event of a tenant's batch, as {@link ProductViewStore.applyBatch} takes it. */
export interface ProductEventToApply {
  /** `ce_id`: applied at most once per tenant. */
  readonly eventId: string;
  readonly event: InventoryEvent;
  readonly occurredAt: string;
  /** The stream version after the event (`ce_sequence`). */
  readonly version: number;
  /** Global position (`ce_position`), recorded as seen; absent when the event carries none. */
  readonly position?: number;
}

interface ProductRecord {
  readonly sku: string;
  readonly name: string;
  readonly available: number;
  readonly reserved: number;
  readonly updated_at: Date;
  readonly version: number;
  readonly last_position: string;
}

/**
 * The product read model of one tenant at a time, in that tenant's storage (schema, database, or
 * its rows of the shared schema under row-level security), like {@link OrderViewStore}: a batch of
 * a tenant's events in one transaction, once per event id (the same `processed_events`), positions
 * recorded as seen for `X-Consistency-Token`.
 *
 * @example
 * await store.applyBatch(tenantId, [{ eventId, event: { type: 'ProductCreated', data }, occurredAt, version: 1, position: 42 }]);
 * const product = await store.findProduct(tenantId, 'SKU-1'); // undefined: unknown, or another tenant's
 */
export class ProductViewStore {
  constructor(
    private readonly sources: TenantDataSources,
    private readonly isolationOf: IsolationOf,
    private readonly positions: SeenPositions,
  ) {}

  /** Applies a tenant's events; an outcome per event, in input order. A redelivery is a no-op. */
  async applyBatch(tenantId: string, events: readonly ProductEventToApply[]): Promise<ApplyOutcome[]> {
    if (events.length === 0) return [];
    const storage = this.storage(tenantId);
    const dataSource = await this.sources.forStorage(storage);
    const positions = events.flatMap((e) => (e.position === undefined ? [] : [e.position]));
    const positionsWithin = dataSource === this.positions.main;
    const outcomes = await dataSource.transaction(async (manager) => {
      // before the scope: the row-level-security role has no rights on the progress table
      if (positionsWithin) await this.positions.recordWithin(manager, tenantId, positions);
      await scopeToTenant(manager, tenantId, storage);
      return applyInScope(manager, tenantId, events);
    });
    if (!positionsWithin) await this.positions.recordAll(tenantId, positions);
    return outcomes;
  }

  /** The product of `tenantId`, or undefined: another tenant's product is simply not there. */
  async findProduct(tenantId: string, sku: string): Promise<ProductRow | undefined> {
    const storage = this.storage(tenantId);
    const dataSource = await this.sources.forStorage(storage);
    return dataSource.transaction(async (manager) => {
      await scopeToTenant(manager, tenantId, storage);
      const [record] = await selectProducts(manager, tenantId, [sku], false);
      return record;
    });
  }

  private storage(tenantId: string): TenantStorage {
    const isolation = this.isolationOf(tenantId);
    if (isolation === undefined) throw new UnknownTenantError(tenantId);
    return storageOf(tenantId, isolation);
  }
}

async function applyInScope(
  manager: EntityManager,
  tenantId: string,
  events: readonly ProductEventToApply[],
): Promise<ApplyOutcome[]> {
  const outcomes: ApplyOutcome[] = events.map(() => 'duplicate');
  const firstOfId = new Map<string, number>();
  events.forEach((e, index) => {
    const id = e.eventId.toLowerCase();
    if (!firstOfId.has(id)) firstOfId.set(id, index);
  });
  const inserted = await insertProcessedEvents(manager, tenantId, [...firstOfId.keys()]);
  const fresh = [...firstOfId]
    .filter(([id]) => inserted.has(id))
    .map(([, index]) => index)
    .sort((a, b) => a - b);
  if (fresh.length === 0) return outcomes;
  const toFold = fresh.map((index) => events[index] as ProductEventToApply);
  const skus = [...new Set(toFold.map((e) => e.event.data.sku))];
  const current = await selectProducts(manager, tenantId, skus, true);
  const projected = projectProducts(
    new Map(current.map((row) => [row.sku, row])),
    toFold.map((e) => ({
      event: e.event,
      occurredAt: e.occurredAt,
      version: e.version,
      position: e.position ?? 0,
    })),
  );
  fresh.forEach((index, k) => {
    outcomes[index] = projected.outcomes[k] ?? 'skipped';
  });
  if (projected.changed.length > 0) await upsertProducts(manager, tenantId, projected.changed);
  return outcomes;
}

/** The tenant's rows of these skus; locked until the transaction ends when `forUpdate` (in sku order). */
async function selectProducts(
  manager: EntityManager,
  tenantId: string,
  skus: readonly string[],
  forUpdate: boolean,
): Promise<ProductRow[]> {
  const records: ProductRecord[] = await manager.query(
    `SELECT sku, name, available, reserved, updated_at, version, last_position::text AS last_position
       FROM products
      WHERE tenant_id = $1 AND sku = ANY($2::text[])
      ORDER BY sku${forUpdate ? ' FOR UPDATE' : ''}`,
    [tenantId, skus],
  );
  return records.map((record) => ({
    sku: record.sku,
    name: record.name,
    available: record.available,
    reserved: record.reserved,
    updatedAt: record.updated_at.toISOString(),
    version: record.version,
    lastPosition: Number(record.last_position),
  }));
}

async function upsertProducts(
  manager: EntityManager,
  tenantId: string,
  rows: readonly ProductRow[],
): Promise<void> {
  await manager.query(
    `INSERT INTO products (tenant_id, sku, name, available, reserved, updated_at, version, last_position)
     SELECT $1::uuid, * FROM unnest($2::text[], $3::text[], $4::int[], $5::int[], $6::timestamptz[],
                                    $7::int[], $8::bigint[])
     ON CONFLICT (tenant_id, sku) DO UPDATE SET
       name = excluded.name, available = excluded.available, reserved = excluded.reserved,
       updated_at = excluded.updated_at, version = excluded.version, last_position = excluded.last_position`,
    [
      tenantId,
      rows.map((row) => row.sku),
      rows.map((row) => row.name),
      rows.map((row) => row.available),
      rows.map((row) => row.reserved),
      rows.map((row) => row.updatedAt),
      rows.map((row) => row.version),
      rows.map((row) => row.lastPosition),
    ],
  );
}
