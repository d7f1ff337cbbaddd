import type { DataSource, EntityManager } from 'typeorm';
import type { OrderEvent } from '@platform/contracts';
import { tenantSchema } from '../tenant-schema';
import { OrderView, ProcessedEvent } from './order-view.entity';
import { projectOrder, type AppliedEventMeta, type OrderRow } from './order-projection';

export type ApplyOutcome = 'applied' | 'duplicate' | 'skipped';

/**
 * Reads and writes the order read model of one tenant at a time, always inside that tenant's
 * schema: the tenant comes in as an argument taken from the message or request context, and
 * every statement is scoped by `search_path` (writes) or a schema-qualified table (reads).
 */
export class OrderViewStore {
  constructor(private readonly dataSource: DataSource) {}

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
        .values({ eventId })
        .orIgnore()
        .execute();
      if ((inserted.raw as unknown[]).length === 0) return 'duplicate';
      const current = await manager.findOne(OrderView, {
        where: { id: event.data.orderId },
        lock: { mode: 'pessimistic_write' },
      });
      const next = projectOrder(current ? toRow(current) : undefined, event, meta);
      if (!next) return 'skipped';
      await manager.save(OrderView, fromRow(next));
      return 'applied';
    });
  }

  /** The order of `tenantId`, or undefined: an order of another tenant is simply not there. */
  async findOrder(tenantId: string, orderId: string): Promise<OrderRow | undefined> {
    const rows: RawOrder[] = await this.dataSource.query(
      `SELECT id, customer_id, status, items, total_amount::text AS total_amount, currency, item_count,
              created_at, updated_at, version, last_position
         FROM "${tenantSchema(tenantId)}".orders WHERE id = $1`,
      [orderId],
    );
    const raw = rows[0];
    return raw ? rawToRow(raw) : undefined;
  }

  private async inTenant<T>(tenantId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const schema = tenantSchema(tenantId);
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT set_config('search_path', $1, true)`, [`"${schema}"`]);
      return work(manager);
    });
  }
}

interface RawOrder {
  id: string;
  customer_id: string;
  status: string;
  items: OrderRow['items'];
  total_amount: string;
  currency: string | null;
  item_count: number;
  created_at: Date;
  updated_at: Date;
  version: number;
  last_position: string;
}

function rawToRow(raw: RawOrder): OrderRow {
  return {
    id: raw.id,
    customerId: raw.customer_id,
    status: raw.status,
    items: raw.items,
    totalAmount: normalizeAmount(raw.total_amount),
    currency: raw.currency,
    itemCount: raw.item_count,
    createdAt: raw.created_at.toISOString(),
    updatedAt: raw.updated_at.toISOString(),
    version: raw.version,
    lastPosition: Number(raw.last_position),
  };
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

function fromRow(row: OrderRow): OrderView {
  return Object.assign(new OrderView(), {
    ...row,
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
