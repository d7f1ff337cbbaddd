import type { EntityManager } from 'typeorm';
import type { OrderLineView } from './order-view.entity';
import type { OrderRow } from './order-projection';

// Multi-row statements of the order read model, for a transaction already scoped to one tenant's
// storage (search_path, and in the shared schema the RLS role and `app.tenant_id`). Every statement
// filters on or writes `tenant_id` as well. Arrays go in as parameters (`unnest`): one statement
// text whatever the number of rows.

interface OrderRecord {
  readonly id: string;
  readonly customer_id: string;
  readonly status: string;
  readonly items: OrderLineView[];
  readonly total_amount: string;
  readonly currency: string | null;
  readonly item_count: number;
  readonly created_at: Date;
  readonly updated_at: Date;
  readonly version: number;
  readonly last_position: string;
}

/** Records event ids as processed; returns those that were not yet (lower case). */
export async function insertProcessedEvents(
  manager: EntityManager,
  tenantId: string,
  eventIds: readonly string[],
): Promise<Set<string>> {
  const rows: { event_id: string }[] = await manager.query(
    `INSERT INTO processed_events (tenant_id, event_id)
     SELECT $1::uuid, unnest($2::uuid[])
     ON CONFLICT DO NOTHING
     RETURNING event_id`,
    [tenantId, eventIds],
  );
  return new Set(rows.map((row) => row.event_id));
}

/**
 * The tenant's rows of these orders, locked until the transaction ends (in id order, so two
 * transactions over the same orders cannot deadlock on them); keyed by lower-case id. `lock`
 * false: not locked (a rebuild's tables have no other writer).
 */
export async function selectOrdersForUpdate(
  manager: EntityManager,
  tenantId: string,
  orderIds: readonly string[],
  lock = true,
): Promise<Map<string, OrderRow>> {
  const records: OrderRecord[] = await manager.query(
    `SELECT id, customer_id, status, items, total_amount::text AS total_amount, currency, item_count,
            created_at, updated_at, version, last_position::text AS last_position
       FROM orders
      WHERE tenant_id = $1 AND id = ANY($2::uuid[])
      ORDER BY id${lock ? ' FOR UPDATE' : ''}`,
    [tenantId, orderIds],
  );
  return new Map(records.map((record) => [record.id, rowOf(record)]));
}

/** Inserts or overwrites the tenant's rows of these orders, in one statement. */
export async function upsertOrders(
  manager: EntityManager,
  tenantId: string,
  rows: readonly OrderRow[],
): Promise<void> {
  await manager.query(
    `INSERT INTO orders (tenant_id, id, customer_id, status, items, total_amount, currency, item_count,
                         created_at, updated_at, version, last_position)
     SELECT $1::uuid, * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::jsonb[], $6::numeric[],
                                    $7::text[], $8::int[], $9::timestamptz[], $10::timestamptz[],
                                    $11::int[], $12::bigint[])
     ON CONFLICT (tenant_id, id) DO UPDATE SET
       customer_id = excluded.customer_id, status = excluded.status, items = excluded.items,
       total_amount = excluded.total_amount, currency = excluded.currency,
       item_count = excluded.item_count, created_at = excluded.created_at,
       updated_at = excluded.updated_at, version = excluded.version,
       last_position = excluded.last_position`,
    [
      tenantId,
      rows.map((row) => row.id),
      rows.map((row) => row.customerId),
      rows.map((row) => row.status),
      rows.map((row) => JSON.stringify(row.items)),
      rows.map((row) => row.totalAmount),
      rows.map((row) => row.currency),
      rows.map((row) => row.itemCount),
      rows.map((row) => row.createdAt),
      rows.map((row) => row.updatedAt),
      rows.map((row) => row.version),
      rows.map((row) => row.lastPosition),
    ],
  );
}

function rowOf(record: OrderRecord): OrderRow {
  return {
    id: record.id,
    customerId: record.customer_id,
    status: record.status,
    items: record.items,
    totalAmount: normalizeAmount(record.total_amount),
    currency: record.currency,
    itemCount: record.item_count,
    createdAt: record.created_at.toISOString(),
    updatedAt: record.updated_at.toISOString(),
    version: record.version,
    lastPosition: Number(record.last_position),
  };
}

/** numeric(24,4) comes back as "12.5000": show at least two, at most four fractional digits. */
export function normalizeAmount(amount: string): string {
  const [whole = '0', fraction = ''] = amount.split('.');
  let digits = fraction.padEnd(2, '0');
  while (digits.length > 2 && digits.endsWith('0')) digits = digits.slice(0, -1);
  return `${whole}.${digits}`;
}
