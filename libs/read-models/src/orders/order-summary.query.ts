import { fromScaled, toScaled, type Money } from '@platform/contracts';
import { normalizeAmount } from './order-view.statements';

/** Whole UTC hours, `from` inclusive, `to` exclusive (ISO-8601). */
export interface SummaryRange {
  readonly from: string;
  readonly to: string;
}

/** Revenue of the orders priced in one currency. */
export interface CurrencyRevenue extends Money {
  /** Orders priced in this currency (those with at least one line). */
  readonly orders: number;
}

export interface TopProduct {
  readonly sku: string;
  /** Units over every currency. */
  readonly quantity: number;
  /** Per currency, by currency code. */
  readonly revenue: readonly Money[];
}

/**
 * The tenant's orders created in a range. Money is never summed across currencies: revenue and the
 * average order value are per currency (sorted by code).
 */
export interface OrderSummary {
  /** Every order created in the range, including those with no line yet. */
  readonly totalOrders: number;
  readonly totalRevenue: readonly CurrencyRevenue[];
  /** Per currency: its revenue over its orders, rounded half up to 4 decimal places. */
  readonly averageOrderValue: readonly Money[];
  /** The {@link TOP_PRODUCTS} skus with the most units, ties by sku. */
  readonly topProducts: readonly TopProduct[];
}

/** How many skus `topProducts` lists. */
export const TOP_PRODUCTS = 5;

export interface OrderSummaryRecord {
  readonly totals: readonly { currency: string; orders: number; revenue: string }[];
  readonly top: readonly { sku: string; quantity: number; revenue: { currency: string; amount: string }[] }[];
}

/**
 * One statement over the hourly summary rows of the range (never the orders): per-currency totals,
 * and the top skus by quantity with their revenue per currency, as JSON.
 */
export function orderSummaryStatement(
  tenantId: string,
  range: SummaryRange,
): { name: string; text: (schema: string) => string; values: unknown[] } {
  return {
    name: 'order-summary',
    text: (schema) => `
      WITH totals AS (
        SELECT currency, sum(orders)::bigint AS orders, sum(revenue) AS revenue
          FROM "${schema}".order_totals_hourly
         WHERE tenant_id = $1 AND hour >= $2::timestamptz AND hour < $3::timestamptz
         GROUP BY currency
      ), skus AS (
        SELECT sku, currency, sum(quantity)::bigint AS quantity, sum(revenue) AS revenue
          FROM "${schema}".order_sku_totals_hourly
         WHERE tenant_id = $1 AND hour >= $2::timestamptz AND hour < $3::timestamptz
         GROUP BY sku, currency
      ), top AS (
        SELECT sku, sum(quantity)::bigint AS quantity FROM skus
         GROUP BY sku HAVING sum(quantity) > 0
         ORDER BY sum(quantity) DESC, sku COLLATE "C" LIMIT $4
      )
      SELECT
        (SELECT coalesce(json_agg(json_build_object('currency', currency, 'orders', orders,
                                                    'revenue', revenue::text) ORDER BY currency COLLATE "C"), '[]')
           FROM totals WHERE orders <> 0) AS totals,
        (SELECT coalesce(json_agg(json_build_object(
                  'sku', top.sku, 'quantity', top.quantity,
                  'revenue', (SELECT coalesce(json_agg(json_build_object('currency', s.currency,
                                                                         'amount', s.revenue::text)
                                                       ORDER BY s.currency COLLATE "C"), '[]')
                                FROM skus s WHERE s.sku = top.sku AND s.quantity <> 0))
                ORDER BY top.quantity DESC, top.sku COLLATE "C"), '[]')
           FROM top) AS top`,
    values: [tenantId, range.from, range.to, TOP_PRODUCTS],
  };
}

/** The summary out of the statement's row; `''` is the currency of orders with no line yet. */
export function orderSummaryOf(record: OrderSummaryRecord | undefined): OrderSummary {
  const totals = record?.totals ?? [];
  const priced = totals.filter((t) => t.currency !== '');
  return {
    totalOrders: totals.reduce((sum, t) => sum + Number(t.orders), 0),
    totalRevenue: priced.map((t) => ({
      currency: t.currency,
      amount: normalizeAmount(t.revenue),
      orders: Number(t.orders),
    })),
    averageOrderValue: priced.map((t) => ({
      currency: t.currency,
      amount: fromScaled(divideHalfUp(toScaled(normalizeAmount(t.revenue)), BigInt(t.orders))),
    })),
    topProducts: (record?.top ?? []).map((p) => ({
      sku: p.sku,
      quantity: Number(p.quantity),
      revenue: p.revenue.map((r) => ({ currency: r.currency, amount: normalizeAmount(r.amount) })),
    })),
  };
}

/** `a / b` on scaled amounts, rounded half away from zero; `b` > 0. */
function divideHalfUp(a: bigint, b: bigint): bigint {
  const negative = a < 0n;
  const abs = negative ? -a : a;
  const quotient = (abs * 2n + b) / (2n * b);
  return negative ? -quotient : quotient;
}
