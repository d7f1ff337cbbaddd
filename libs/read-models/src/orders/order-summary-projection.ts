import { fromScaled, multiplyAmount, toScaled } from '@platform/contracts';
import type { OrderRow } from './order-projection';

/** A change of one row of `order_totals_hourly`: orders created in `hour`, priced in `currency`. */
export interface OrderTotalsDelta {
  /** The UTC hour the orders were created in (ISO-8601, minutes and below zero). */
  readonly hour: string;
  /** `null`: orders with no line yet, whose currency is not known. */
  readonly currency: string | null;
  readonly orders: number;
  /** Decimal string, may be negative. */
  readonly revenue: string;
}

/** A change of one row of `order_sku_totals_hourly`: lines of orders created in `hour`. */
export interface SkuTotalsDelta {
  readonly hour: string;
  readonly sku: string;
  readonly currency: string;
  readonly quantity: number;
  readonly revenue: string;
}

/** What to add to the summary rows, one entry per row, sorted by key (the order rows are locked in). */
export interface SummaryDeltas {
  readonly totals: readonly OrderTotalsDelta[];
  readonly skus: readonly SkuTotalsDelta[];
}

/** The UTC hour an instant falls in: `2026-12-03T10:42:05.123Z` → `2026-12-03T10:00:00.000Z`. */
export function hourOf(instant: string): string {
  const time = new Date(instant).getTime();
  if (Number.isNaN(time)) throw new RangeError(`not an instant: ${instant}`);
  return new Date(time - (((time % HOUR_MS) + HOUR_MS) % HOUR_MS)).toISOString();
}

const HOUR_MS = 3_600_000;

/**
 * What one order adds to the summary: one order in its creation hour and currency with its total,
 * and each of its skus' quantity and revenue. The summary's range is on creation time: a line added
 * later still counts in the hour the order was created. A cancelled order adds nothing: it sold
 * nothing, so it leaves the counts it was in when it is cancelled (ADR 0030).
 */
export function summaryContribution(row: OrderRow): SummaryDeltas {
  if (row.status === 'cancelled') return { totals: [], skus: [] };
  const hour = hourOf(row.createdAt);
  const skus = new Map<string, { sku: string; currency: string; quantity: number; revenue: bigint }>();
  for (const line of row.items) {
    const key = skuKey(hour, line.sku, line.unitPrice.currency);
    const entry = skus.get(key) ?? {
      sku: line.sku,
      currency: line.unitPrice.currency,
      quantity: 0,
      revenue: 0n,
    };
    entry.quantity += line.quantity;
    entry.revenue += toScaled(multiplyAmount(line.unitPrice.amount, line.quantity));
    skus.set(key, entry);
  }
  return {
    totals: [{ hour, currency: row.currency, orders: 1, revenue: row.totalAmount }],
    skus: [...skus.values()].map((s) => ({ hour, ...s, revenue: fromScaled(s.revenue) })),
  };
}

/**
 * Pure: how the summary rows change when orders go from their `before` rows (keyed by lower-case
 * id; absent for a new order) to their `after` rows: each order's new contribution minus its old
 * one, summed per summary row. Rows whose change is nothing are left out; the rest are sorted by
 * key, so that two transactions touching the same rows lock them in the same order.
 */
export function summaryDeltas(
  before: ReadonlyMap<string, OrderRow>,
  after: readonly OrderRow[],
): SummaryDeltas {
  const totals = new Map<
    string,
    { hour: string; currency: string | null; orders: number; revenue: bigint }
  >();
  const skus = new Map<
    string,
    { hour: string; sku: string; currency: string; quantity: number; revenue: bigint }
  >();
  const add = (contribution: SummaryDeltas, sign: 1 | -1): void => {
    for (const t of contribution.totals) {
      const key = totalsKey(t.hour, t.currency);
      const entry = totals.get(key) ?? { hour: t.hour, currency: t.currency, orders: 0, revenue: 0n };
      entry.orders += sign * t.orders;
      entry.revenue += BigInt(sign) * toScaled(t.revenue);
      totals.set(key, entry);
    }
    for (const s of contribution.skus) {
      const key = skuKey(s.hour, s.sku, s.currency);
      const entry = skus.get(key) ?? {
        hour: s.hour,
        sku: s.sku,
        currency: s.currency,
        quantity: 0,
        revenue: 0n,
      };
      entry.quantity += sign * s.quantity;
      entry.revenue += BigInt(sign) * toScaled(s.revenue);
      skus.set(key, entry);
    }
  };
  for (const row of after) {
    const previous = before.get(row.id.toLowerCase());
    if (previous) add(summaryContribution(previous), -1);
    add(summaryContribution(row), 1);
  }
  return {
    totals: sortedByKey(totals)
      .filter(([, t]) => t.orders !== 0 || t.revenue !== 0n)
      .map(([, t]) => ({ ...t, revenue: fromScaled(t.revenue) })),
    skus: sortedByKey(skus)
      .filter(([, s]) => s.quantity !== 0 || s.revenue !== 0n)
      .map(([, s]) => ({ ...s, revenue: fromScaled(s.revenue) })),
  };
}

const totalsKey = (hour: string, currency: string | null): string => `${hour}\u0000${currency ?? ''}`;
const skuKey = (hour: string, sku: string, currency: string): string =>
  `${hour}\u0000${sku}\u0000${currency}`;

function sortedByKey<V>(map: ReadonlyMap<string, V>): [string, V][] {
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
