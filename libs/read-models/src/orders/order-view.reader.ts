import { Pool } from 'pg';
import { isUuid } from '@platform/contracts';
import { RlsTenantPool } from '../rls-tenant-pool';
import { SHARED_SCHEMA, databaseUrlFor, storageOf, type TenantStorage } from '../tenant-storage';
import type { OrderLineView } from './order-view.entity';
import type { OrderRow } from './order-projection';
import { UnknownTenantError, type IsolationOf } from './order-view.store';

export interface OrderViewReaderOptions {
  /** Connections of each pool to the main read-model database (shared tenants; schema tenants). */
  readonly poolSize?: number;
  /** Connections of the pool to each dedicated tenant's database. */
  readonly dedicatedPoolSize?: number;
  /**
   * Schemas (isolation `schema`) whose read gets a prepared statement of its own on each connection;
   * the reads of further schemas are parsed and planned each time. Bounds what the prepared
   * statements hold in the server: at most this many per connection.
   */
  readonly preparedSchemas?: number;
}

interface OrderRecord {
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

const COLUMNS = `id, customer_id AS "customerId", status, items, total_amount AS "totalAmount", currency,
  item_count AS "itemCount", created_at AS "createdAt", updated_at AS "updatedAt", version,
  last_position AS "lastPosition"`;

const selectFrom = (schema: string): string =>
  `SELECT ${COLUMNS} FROM "${schema}".orders WHERE tenant_id = $1 AND id = $2`;

/**
 * The query side's read of one order: one round trip to PostgreSQL, a prepared statement, plain rows
 * (no TypeORM entity), in the tenant's storage.
 *
 * - `schema`: one statement on the tenant's schema-qualified table, prepared per schema (up to
 *   `preparedSchemas`), no transaction.
 * - `dedicated`: the same on the tenant's own database (a small pool per database).
 * - `shared`: the rows of every shared tenant are in one table, so row-level security must apply
 *   to the read: {@link RlsTenantPool} (connections that run as the RLS role; `app.tenant_id` set
 *   in the same round trip, before the `SELECT`). Even a wrong `WHERE` clause could not show
 *   another tenant's order.
 *
 * The tenant and order ids come from the caller (tenant context and path), never from the body.
 *
 * @example
 * const reader = new OrderViewReader(config.DATABASE_URL, (tenantId) => directory.byTenantId(tenantId)?.isolation);
 * const order = await reader.findOrder(tenantId, orderId); // undefined: unknown, or another tenant's
 */
export class OrderViewReader {
  private readonly main: Pool;
  private readonly shared: RlsTenantPool;
  private readonly dedicated = new Map<string, Pool>();
  private readonly prepared = new Set<string>();
  private readonly poolSize: number;
  private readonly dedicatedPoolSize: number;
  private readonly preparedSchemas: number;

  constructor(
    private readonly databaseUrl: string,
    private readonly isolationOf: IsolationOf,
    options: OrderViewReaderOptions = {},
  ) {
    this.poolSize = options.poolSize ?? 10;
    this.dedicatedPoolSize = options.dedicatedPoolSize ?? 2;
    this.preparedSchemas = options.preparedSchemas ?? 128;
    this.main = this.pool(databaseUrl, this.poolSize);
    this.shared = new RlsTenantPool(databaseUrl, this.poolSize);
  }

  /** The order of `tenantId`, or undefined: an order of another tenant is simply not there. */
  async findOrder(tenantId: string, orderId: string): Promise<OrderRow | undefined> {
    if (!isUuid(tenantId) || !isUuid(orderId)) return undefined;
    const storage = this.storage(tenantId);
    const values = [tenantId, orderId];
    let rows: OrderRecord[];
    switch (storage.mode) {
      case 'shared':
        rows = await this.shared.query<OrderRecord>(tenantId, {
          name: 'order-view-shared',
          text: selectFrom(SHARED_SCHEMA),
          values,
        });
        break;
      case 'schema': {
        const result = await this.main.query<OrderRecord>(this.statement(storage.schema, values));
        rows = result.rows;
        break;
      }
      case 'dedicated': {
        const pool = this.dedicatedPool(storage.database);
        rows = (await pool.query<OrderRecord>({ name: 'order-view', text: selectFrom('public'), values }))
          .rows;
        break;
      }
    }
    const [record] = rows;
    return record && toRow(record);
  }

  async close(): Promise<void> {
    const pools = [this.main, ...this.dedicated.values()];
    this.dedicated.clear();
    await Promise.all([this.shared.end(), ...pools.map((pool) => pool.end())]);
  }

  private statement(schema: string, values: string[]) {
    const text = selectFrom(schema);
    if (!this.prepared.has(schema)) {
      if (this.prepared.size >= this.preparedSchemas) return { text, values };
      this.prepared.add(schema);
    }
    return { name: `order-view-${schema}`, text, values };
  }

  private dedicatedPool(database: string): Pool {
    let pool = this.dedicated.get(database);
    if (!pool) {
      pool = this.pool(databaseUrlFor(this.databaseUrl, database), this.dedicatedPoolSize);
      this.dedicated.set(database, pool);
    }
    return pool;
  }

  private pool(url: string, max: number): Pool {
    const pool = new Pool({ connectionString: url, max, application_name: 'read-models-reader' });
    // An idle connection that breaks (server restart, dropped database) must not crash the process.
    pool.on('error', () => undefined);
    return pool;
  }

  private storage(tenantId: string): TenantStorage {
    const isolation = this.isolationOf(tenantId);
    if (isolation === undefined) throw new UnknownTenantError(tenantId);
    return storageOf(tenantId, isolation);
  }
}

function toRow(record: OrderRecord): OrderRow {
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

/** numeric(24,4) comes back as "12.5000": show at least two, at most four fractional digits. */
function normalizeAmount(amount: string): string {
  const [whole = '0', fraction = ''] = amount.split('.');
  let digits = fraction.padEnd(2, '0');
  while (digits.length > 2 && digits.endsWith('0')) digits = digits.slice(0, -1);
  return `${whole}.${digits}`;
}
