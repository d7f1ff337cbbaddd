import type { OrderRow } from './order-projection';
import { ORDER_COLUMNS, toRow, type OrderRecord } from './order-record';

/** Where a page of the order list starts: after the order with this key (exclusive). */
export interface OrderListKey {
  /** The order's `created_at` to the microsecond, ISO-8601 in UTC (`2026-12-03T10:42:05.123456Z`). */
  readonly createdAt: string;
  readonly id: string;
}

/** A request for a page of one tenant's orders, newest first. */
export interface OrderListQuery {
  readonly customerId?: string;
  readonly status?: string;
  /** 1 to 100. */
  readonly limit: number;
  readonly after?: OrderListKey;
}

export interface OrderListPage {
  readonly items: readonly OrderRow[];
  /** The key of the page's last order when more follow; absent on the last page. */
  readonly next?: OrderListKey;
}

export interface OrderListRecord extends OrderRecord {
  readonly createdAtKey: string;
}

/** Exact to the microsecond (a JavaScript `Date` keeps milliseconds only), whatever the session's time zone. */
const KEY_COLUMN = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAtKey"`;

/**
 * The statement of a page: keyset pagination on `(created_at, id)` descending, one more row than the
 * limit to tell whether another page follows. One statement text (and prepared name) per combination
 * of filters, so that each is planned on the index it can use.
 */
export function orderListStatement(
  tenantId: string,
  query: OrderListQuery,
): { name: string; text: (schema: string) => string; values: unknown[] } {
  const values: unknown[] = [tenantId];
  const where = ['tenant_id = $1'];
  const variant: string[] = [];
  if (query.customerId !== undefined) {
    values.push(query.customerId);
    where.push(`customer_id = $${values.length}`);
    variant.push('c');
  }
  if (query.status !== undefined) {
    values.push(query.status);
    where.push(`status = $${values.length}`);
    variant.push('s');
  }
  if (query.after !== undefined) {
    values.push(query.after.createdAt, query.after.id);
    where.push(`(created_at, id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
    variant.push('a');
  }
  values.push(query.limit + 1);
  const limit = `$${values.length}`;
  return {
    name: `order-list${variant.length > 0 ? `-${variant.join('')}` : ''}`,
    text: (schema) =>
      `SELECT ${ORDER_COLUMNS}, ${KEY_COLUMN} FROM "${schema}".orders
        WHERE ${where.join(' AND ')}
        ORDER BY created_at DESC, id DESC
        LIMIT ${limit}`,
    values,
  };
}

/** The page out of the statement's rows (at most `limit + 1`). */
export function orderListPage(records: readonly OrderListRecord[], limit: number): OrderListPage {
  const page = records.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((record) => toRow(record)),
    ...(records.length > limit &&
      last !== undefined && { next: { createdAt: last.createdAtKey, id: last.id } }),
  };
}
