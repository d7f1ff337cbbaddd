import type { OrderLineView } from './order-view.entity';
import type { OrderRow } from './order-projection';
import { normalizeAmount } from './order-view.statements';

/** An order as the query side's plain-row reads return it (see {@link ORDER_COLUMNS}). */
export interface OrderRecord {
  id: string;
  customerId: string;
  status: string;
  items: OrderLineView[];
  totalAmount: string;
  currency: string | null;
  itemCount: number;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  lastPosition: string;
}

/** The columns of an order as {@link OrderRecord} names them. */
export const ORDER_COLUMNS = `id, customer_id AS "customerId", status, items, total_amount AS "totalAmount", currency,
  item_count AS "itemCount", created_at AS "createdAt", updated_at AS "updatedAt", version,
  last_position AS "lastPosition"`;

/** The row as the projection and the API know it. */
export function toRow(record: OrderRecord): OrderRow {
  return {
    id: record.id,
    customerId: record.customerId,
    status: record.status,
    items: record.items,
    totalAmount: normalizeAmount(record.totalAmount),
    currency: record.currency,
    itemCount: record.itemCount,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    version: record.version,
    lastPosition: Number(record.lastPosition),
  };
}
