import type { EntityManager } from 'typeorm';
import type { SummaryDeltas } from './order-summary-projection';

/**
 * Adds the deltas to the tenant's summary rows, in the caller's transaction (scoped to the tenant's
 * storage like the order statements): one statement for both tables, the rows in key order.
 * `currency` is `''` in the table for orders without a line.
 */
export async function applySummaryDeltas(
  manager: EntityManager,
  tenantId: string,
  deltas: SummaryDeltas,
): Promise<void> {
  const { totals, skus } = deltas;
  if (totals.length === 0 && skus.length === 0) return;
  await manager.query(
    `WITH totals AS (
       INSERT INTO order_totals_hourly AS t (tenant_id, hour, currency, orders, revenue)
       SELECT $1::uuid, * FROM unnest($2::timestamptz[], $3::text[], $4::int[], $5::numeric[])
       ON CONFLICT (tenant_id, hour, currency) DO UPDATE SET
         orders = t.orders + excluded.orders, revenue = t.revenue + excluded.revenue
       RETURNING 1
     )
     INSERT INTO order_sku_totals_hourly AS s (tenant_id, hour, sku, currency, quantity, revenue)
     SELECT $1::uuid, * FROM unnest($6::timestamptz[], $7::text[], $8::text[], $9::bigint[], $10::numeric[])
     ON CONFLICT (tenant_id, hour, sku, currency) DO UPDATE SET
       quantity = s.quantity + excluded.quantity, revenue = s.revenue + excluded.revenue`,
    [
      tenantId,
      totals.map((t) => t.hour),
      totals.map((t) => t.currency ?? ''),
      totals.map((t) => t.orders),
      totals.map((t) => t.revenue),
      skus.map((s) => s.hour),
      skus.map((s) => s.sku),
      skus.map((s) => s.currency),
      skus.map((s) => s.quantity),
      skus.map((s) => s.revenue),
    ],
  );
}
