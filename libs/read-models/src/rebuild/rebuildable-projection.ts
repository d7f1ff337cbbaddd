import type { EntityManager } from 'typeorm';
import type { OrderEvent } from '@platform/contracts';
import { projectOrders } from '../orders/order-projection';
import { selectOrdersForUpdate, upsertOrders } from '../orders/order-view.statements';
import { summaryDeltas } from '../orders/order-summary-projection';
import { applySummaryDeltas } from '../orders/order-summary.statements';

/** One event of the store as a rebuild folds it. */
export interface RebuildEvent {
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly occurredAt: string;
  /** The stream version after the event. */
  readonly version: number;
  readonly position: number;
}

/**
 * A read model that can be rebuilt from the event store beside the live one (ADR 0033): its code
 * version, the tables it owns in a tenant's storage (swapped or copied as one at the switch), the
 * event types it reads, and how a page of a tenant's events is folded into tables the transaction's
 * `search_path` points at.
 */
export interface RebuildableProjection {
  readonly name: string;
  /** Raise it when the projection's code or tables change: a deploy then rebuilds (ADR 0033). */
  readonly version: number;
  readonly tables: readonly string[];
  readonly eventTypes: readonly string[];
  /**
   * Advisory-lock class of the projection: the live path holds `(lockClass, hashtext(tenant))`
   * shared for each transaction, the switch holds it exclusively.
   */
  readonly lockClass: number;
  applyPage(manager: EntityManager, tenantId: string, events: readonly RebuildEvent[]): Promise<void>;
}

/** The order list and summaries (one projection: they change in the same transaction). */
export const ORDERS_PROJECTION: RebuildableProjection = {
  name: 'orders',
  version: 1,
  tables: ['orders', 'order_totals_hourly', 'order_sku_totals_hourly'],
  eventTypes: [
    'OrderCreated',
    'OrderItemAdded',
    'OrderConfirmed',
    'OrderReserved',
    'OrderPaid',
    'OrderShipped',
    'OrderCancelled',
  ],
  lockClass: 330_001,
  async applyPage(manager, tenantId, events) {
    if (events.length === 0) return;
    const orderIds = [...new Set(events.map((e) => orderIdOf(e)))];
    const current = await selectOrdersForUpdate(manager, tenantId, orderIds, false);
    const { changed } = projectOrders(
      current,
      events.map((e) => ({
        event: { type: e.type, data: e.data } as OrderEvent,
        meta: { occurredAt: e.occurredAt, version: e.version, position: e.position },
      })),
    );
    if (changed.length === 0) return;
    await upsertOrders(manager, tenantId, changed);
    await applySummaryDeltas(manager, tenantId, summaryDeltas(current, changed));
  },
};

/** The projections `rebuild` knows, by name. */
export const REBUILDABLE_PROJECTIONS: ReadonlyMap<string, RebuildableProjection> = new Map([
  [ORDERS_PROJECTION.name, ORDERS_PROJECTION],
]);

function orderIdOf(event: RebuildEvent): string {
  return String((event.data as { orderId?: unknown }).orderId).toLowerCase();
}
