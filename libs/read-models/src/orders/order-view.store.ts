import type { EntityManager } from 'typeorm';
import type { OrderEvent, TenantIsolation } from '@platform/contracts';
import type { SeenPositions } from '../seen-positions';
import type { TenantDataSources } from '../tenant-data-sources';
import { RLS_ROLE, storageOf, type TenantStorage } from '../tenant-storage';
import { OrderView, ProcessedEvent } from './order-view.entity';
import { projectOrder, projectOrders, type AppliedEventMeta, type OrderRow } from './order-projection';
import {
  insertProcessedEvents,
  normalizeAmount,
  selectOrdersForUpdate,
  upsertOrders,
} from './order-view.statements';
import { summaryDeltas } from './order-summary-projection';
import { applySummaryDeltas } from './order-summary.statements';
import { holdLiveSide } from '../rebuild/projection-rebuilder';
import { ORDERS_PROJECTION } from '../rebuild/rebuildable-projection';

export type ApplyOutcome = 'applied' | 'duplicate' | 'skipped';

/** Tells which isolation mode a tenant uses (the local tenant directory), undefined if unknown. */
export type IsolationOf = (tenantId: string) => TenantIsolation | undefined;

/** One event of a tenant's batch, as {@link OrderViewStore.applyBatch} takes it. */
export interface OrderEventToApply {
  /** `ce_id`: applied at most once per tenant. */
  readonly eventId: string;
  readonly event: OrderEvent;
  readonly occurredAt: string;
  /** The aggregate version after the event (`ce_sequence`). */
  readonly version: number;
  /** Global position (`ce_position`), recorded as seen; absent when the event carries none. */
  readonly position?: number;
}

/** A tenant the local directory does not know (yet): retry later rather than guess its storage. */
export class UnknownTenantError extends Error {
  constructor(readonly tenantId: string) {
    super(`tenant ${tenantId} is not known to this service (yet)`);
    this.name = 'UnknownTenantError';
  }
}

/**
 * Reads and writes the order read model of one tenant at a time, in that tenant's storage: its
 * schema, its database, or its rows of the shared schema. The tenant comes in as an argument taken
 * from the message or request context; every statement filters on `tenant_id`, and in the shared
 * schema runs as a role subject to row-level security with `app.tenant_id` set.
 */
export class OrderViewStore {
  constructor(
    private readonly sources: TenantDataSources,
    private readonly isolationOf: IsolationOf,
    private readonly positions: SeenPositions,
  ) {}

  /**
   * Applies a batch of one tenant's events in one transaction of a few multi-row statements: the
   * event ids not processed yet are recorded (an id twice in the batch counts once), the orders they
   * touch are read and locked, each order's new events are folded in batch order through
   * {@link projectOrders}, and the changed rows are written back. Returns an outcome per event, in
   * input order. A redelivered batch, or part of one, is a no-op.
   *
   * The events' positions are recorded as seen (`SeenPositions`) in the same transaction when the
   * tenant's storage is in the main database (schema and shared modes), after it commits otherwise
   * (dedicated mode): either way never before the effect is readable. Duplicates' positions too,
   * which costs nothing and covers a crash of the one-event path between its two commits.
   *
   * @example
   * const outcomes = await store.applyBatch(tenantId, [
   *   { eventId, event: { type: 'OrderCreated', data }, occurredAt, version: 1, position: 42 },
   * ]);
   */
  async applyBatch(tenantId: string, events: readonly OrderEventToApply[]): Promise<ApplyOutcome[]> {
    if (events.length === 0) return [];
    const storage = this.storage(tenantId);
    const dataSource = await this.sources.forStorage(storage);
    const positions = events.flatMap((e) => (e.position === undefined ? [] : [e.position]));
    const positionsWithin = dataSource === this.positions.main;
    const outcomes = await dataSource.transaction(async (manager) => {
      // first, before any write: a rebuild's switch of this tenant's model waits for it (ADR 0033)
      await holdLiveSide(manager, ORDERS_PROJECTION, tenantId);
      // before the scope: the row-level-security role has no rights on the progress table
      if (positionsWithin) await this.positions.recordWithin(manager, tenantId, positions);
      await scopeToTenant(manager, tenantId, storage);
      return applyInScope(manager, tenantId, events);
    });
    if (!positionsWithin) await this.positions.recordAll(tenantId, positions);
    return outcomes;
  }

  /**
   * Applies one event exactly once per `eventId`: the idempotency record and the row change
   * commit together, so a redelivered event is a no-op.
   */
  async apply(
    tenantId: string,
    eventId: string,
    event: OrderEvent,
    meta: AppliedEventMeta,
  ): Promise<ApplyOutcome> {
    return this.inTenant(tenantId, async (manager) => {
      await holdLiveSide(manager, ORDERS_PROJECTION, tenantId);
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(ProcessedEvent)
        .values({ tenantId, eventId })
        .orIgnore()
        .execute();
      if ((inserted.raw as unknown[]).length === 0) return 'duplicate';
      const current = await manager.findOne(OrderView, {
        where: { tenantId, id: event.data.orderId },
        lock: { mode: 'pessimistic_write' },
      });
      const before = current ? toRow(current) : undefined;
      const next = projectOrder(before, event, meta);
      if (!next) return 'skipped';
      await manager.save(OrderView, fromRow(tenantId, next));
      const previous = new Map(before ? [[before.id.toLowerCase(), before]] : []);
      await applySummaryDeltas(manager, tenantId, summaryDeltas(previous, [next]));
      return 'applied';
    });
  }

  /** The order of `tenantId`, or undefined: an order of another tenant is simply not there. */
  async findOrder(tenantId: string, orderId: string): Promise<OrderRow | undefined> {
    return this.inTenant(tenantId, async (manager) => {
      const view = await manager.findOne(OrderView, { where: { tenantId, id: orderId } });
      return view ? toRow(view) : undefined;
    });
  }

  private storage(tenantId: string): TenantStorage {
    const isolation = this.isolationOf(tenantId);
    if (isolation === undefined) throw new UnknownTenantError(tenantId);
    return storageOf(tenantId, isolation);
  }

  private async inTenant<T>(tenantId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const storage = this.storage(tenantId);
    const dataSource = await this.sources.forStorage(storage);
    return dataSource.transaction(async (manager) => {
      await scopeToTenant(manager, tenantId, storage);
      return work(manager);
    });
  }
}

/**
 * Points the transaction at the tenant's storage (`search_path`); in the shared schema also
 * switches to the role subject to row-level security, with `app.tenant_id` set for its policies.
 */
export async function scopeToTenant(
  manager: EntityManager,
  tenantId: string,
  storage: TenantStorage,
): Promise<void> {
  if (storage.mode === 'shared') {
    // `role` as a setting is SET LOCAL ROLE: one round trip for the three
    await manager.query(
      `SELECT set_config('role', $1, true), set_config('app.tenant_id', $2, true),
              set_config('search_path', $3, true)`,
      [RLS_ROLE, tenantId, `"${storage.schema}"`],
    );
  } else {
    await manager.query(`SELECT set_config('search_path', $1, true)`, [`"${storage.schema}"`]);
  }
}

/** The body of {@link OrderViewStore.applyBatch}, in a transaction scoped to the tenant. */
async function applyInScope(
  manager: EntityManager,
  tenantId: string,
  events: readonly OrderEventToApply[],
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
  const toFold = fresh.map((index) => events[index] as OrderEventToApply);
  const orderIds = [...new Set(toFold.map((e) => e.event.data.orderId.toLowerCase()))];
  const current = await selectOrdersForUpdate(manager, tenantId, orderIds);
  const projected = projectOrders(
    current,
    toFold.map((e) => ({
      event: e.event,
      meta: { occurredAt: e.occurredAt, version: e.version, position: e.position ?? 0 },
    })),
  );
  fresh.forEach((index, k) => {
    outcomes[index] = projected.outcomes[k] ?? 'skipped';
  });
  if (projected.changed.length > 0) {
    await upsertOrders(manager, tenantId, projected.changed);
    // the summary read model, in the same transaction: it never counts an order the list lacks
    await applySummaryDeltas(manager, tenantId, summaryDeltas(current, projected.changed));
  }
  return outcomes;
}

function toRow(view: OrderView): OrderRow {
  return {
    id: view.id,
    customerId: view.customerId,
    status: view.status,
    items: view.items,
    totalAmount: normalizeAmount(view.totalAmount),
    currency: view.currency,
    itemCount: view.itemCount,
    createdAt: view.createdAt.toISOString(),
    updatedAt: view.updatedAt.toISOString(),
    version: view.version,
    lastPosition: Number(view.lastPosition),
  };
}

function fromRow(tenantId: string, row: OrderRow): OrderView {
  return Object.assign(new OrderView(), {
    ...row,
    tenantId,
    items: [...row.items],
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
    lastPosition: String(row.lastPosition),
  });
}
