import { addAmounts, multiplyAmount, type OrderEvent } from '@platform/contracts';
import type { OrderLineView } from './order-view.entity';

/** The order read model as plain data (what the projection computes and the store writes). */
export interface OrderRow {
  readonly id: string;
  readonly customerId: string;
  readonly status: string;
  readonly items: readonly OrderLineView[];
  readonly totalAmount: string;
  readonly currency: string | null;
  readonly itemCount: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
  readonly lastPosition: number;
}

export interface AppliedEventMeta {
  readonly occurredAt: string;
  /** The aggregate version after the event (`ce_sequence`). */
  readonly version: number;
  /** Global position (`ce_position`); 0 when the event does not carry one. */
  readonly position: number;
}

/**
 * Pure projection: the order row after `event`. Returns `undefined` for an event that does not
 * apply (an item for an order the read model has not seen), and the row unchanged for an event
 * at or below the row's version (a redelivery).
 */
export function projectOrder(
  row: OrderRow | undefined,
  event: OrderEvent,
  meta: AppliedEventMeta,
): OrderRow | undefined {
  if (row && meta.version <= row.version) return row;
  switch (event.type) {
    case 'OrderCreated':
      if (row) return row;
      return {
        id: event.data.orderId,
        customerId: event.data.customerId,
        status: 'draft',
        items: [],
        totalAmount: '0.00',
        currency: null,
        itemCount: 0,
        createdAt: meta.occurredAt,
        updatedAt: meta.occurredAt,
        version: meta.version,
        lastPosition: meta.position,
      };
    case 'OrderItemAdded': {
      if (!row) return undefined;
      const { sku, quantity, unitPrice } = event.data;
      return {
        ...row,
        items: [...row.items, { sku, quantity, unitPrice }],
        totalAmount: addAmounts(row.totalAmount, multiplyAmount(unitPrice.amount, quantity)),
        currency: row.currency ?? unitPrice.currency,
        itemCount: row.itemCount + 1,
        updatedAt: meta.occurredAt,
        version: meta.version,
        lastPosition: Math.max(row.lastPosition, meta.position),
      };
    }
    case 'OrderConfirmed':
    case 'OrderReserved':
    case 'OrderPaid':
    case 'OrderShipped':
    case 'OrderCancelled':
      if (!row) return undefined;
      return {
        ...row,
        status: STATUS_AFTER[event.type],
        updatedAt: meta.occurredAt,
        version: meta.version,
        lastPosition: Math.max(row.lastPosition, meta.position),
      };
  }
}

/** The status an order's row shows after each status event. */
const STATUS_AFTER = {
  OrderConfirmed: 'confirmed',
  OrderReserved: 'reserved',
  OrderPaid: 'paid',
  OrderShipped: 'shipped',
  OrderCancelled: 'cancelled',
} as const;

/** An order event and what its envelope says about it, as {@link projectOrders} folds it. */
export interface OrderEventAt {
  readonly event: OrderEvent;
  readonly meta: AppliedEventMeta;
}

export interface ProjectedOrders {
  /** The rows an event changed, one per order, after all its events. */
  readonly changed: readonly OrderRow[];
  /** Per event, in input order: whether it applied (see {@link projectOrder}). */
  readonly outcomes: readonly ('applied' | 'skipped')[];
}

/**
 * Pure projection of many events at once: each order's events are folded through
 * {@link projectOrder} in input order, starting from its `current` row (keyed by the order id in
 * lower case, as PostgreSQL prints a uuid). Events of different orders do not interact.
 */
export function projectOrders(
  current: ReadonlyMap<string, OrderRow>,
  events: readonly OrderEventAt[],
): ProjectedOrders {
  const rows = new Map(current);
  const changed = new Set<string>();
  const outcomes = events.map(({ event, meta }) => {
    const key = event.data.orderId.toLowerCase();
    const before = rows.get(key);
    const after = projectOrder(before, event, meta);
    if (!after) return 'skipped' as const;
    if (after !== before) {
      rows.set(key, after);
      changed.add(key);
    }
    return 'applied' as const;
  });
  return { changed: [...changed].map((key) => rows.get(key) as OrderRow), outcomes };
}
