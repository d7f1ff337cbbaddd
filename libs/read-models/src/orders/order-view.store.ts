import type { EntityManager } from 'typeorm';
import type { OrderEvent, TenantIsolation } from '@platform/contracts';
import type { TenantDataSources } from '../tenant-data-sources';
import { RLS_ROLE, storageOf, type TenantStorage } from '../tenant-storage';
import { OrderView, ProcessedEvent } from './order-view.entity';
import { projectOrder, type AppliedEventMeta, type OrderRow } from './order-projection';

export type ApplyOutcome = 'applied' | 'duplicate' | 'skipped';

/** Tells which isolation mode a tenant uses (the local tenant directory), undefined if unknown. */
export type IsolationOf = (tenantId: string) => TenantIsolation | undefined;

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
  ) {}

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
      const next = projectOrder(current ? toRow(current) : undefined, event, meta);
      if (!next) return 'skipped';
      await manager.save(OrderView, fromRow(tenantId, next));
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
      if (storage.mode === 'shared') {
        await manager.query(`SET LOCAL ROLE ${RLS_ROLE}`);
        await manager.query(
          `SELECT set_config('app.tenant_id', $1, true), set_config('search_path', $2, true)`,
          [tenantId, `"${storage.schema}"`],
        );
      } else {
        await manager.query(`SELECT set_config('search_path', $1, true)`, [`"${storage.schema}"`]);
      }
      return work(manager);
    });
  }
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

/** numeric(24,4) comes back as "12.5000": show at least two, at most four fractional digits. */
function normalizeAmount(amount: string): string {
  const [whole = '0', fraction = ''] = amount.split('.');
  let digits = fraction.padEnd(2, '0');
  while (digits.length > 2 && digits.endsWith('0')) digits = digits.slice(0, -1);
  return `${whole}.${digits}`;
}
