import { Pool, type QueryResultRow } from 'pg';
import { isUuid } from '@platform/contracts';
import { RlsTenantPool } from '../rls-tenant-pool';
import { SHARED_SCHEMA, databaseUrlFor, storageOf, type TenantStorage } from '../tenant-storage';
import type { OrderRow } from './order-projection';
import {
  orderListPage,
  orderListStatement,
  type OrderListPage,
  type OrderListQuery,
  type OrderListRecord,
} from './order-list.query';
import {
  orderSummaryOf,
  orderSummaryStatement,
  type OrderSummary,
  type OrderSummaryRecord,
  type SummaryRange,
} from './order-summary.query';
import { UnknownTenantError, type IsolationOf } from './order-view.store';
import { ORDER_COLUMNS, toRow, type OrderRecord } from './order-record';

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

const selectFrom = (schema: string): string =>
  `SELECT ${ORDER_COLUMNS} FROM "${schema}".orders WHERE tenant_id = $1 AND id = $2`;

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
    const rows = await this.run<OrderRecord>(tenantId, 'order-view', selectFrom, [tenantId, orderId]);
    const [record] = rows;
    return record && toRow(record);
  }

  /**
   * A page of the tenant's orders, newest first (`created_at`, then id, descending), after the
   * `after` key of the previous page's last order: orders created since the first page come before
   * it and never shift or repeat the next pages. `next` is the key to ask for the page after, absent
   * on the last page.
   */
  async listOrders(tenantId: string, query: OrderListQuery): Promise<OrderListPage> {
    const statement = orderListStatement(tenantId, query);
    const rows = await this.run<OrderListRecord>(tenantId, statement.name, statement.text, statement.values);
    return orderListPage(rows, query.limit);
  }

  /** The tenant's order summary over whole UTC hours `[from, to)`, from the hourly summary rows. */
  async summarize(tenantId: string, range: SummaryRange): Promise<OrderSummary> {
    const statement = orderSummaryStatement(tenantId, range);
    const rows = await this.run<OrderSummaryRecord>(
      tenantId,
      statement.name,
      statement.text,
      statement.values,
    );
    return orderSummaryOf(rows[0]);
  }

  /**
   * Runs one statement in the tenant's storage: `textFor` gets the schema-qualified location of its
   * tables; `name` prepares it (per schema in schema mode, up to `preparedSchemas`).
   */
  private async run<R extends QueryResultRow>(
    tenantId: string,
    name: string,
    textFor: (schema: string) => string,
    values: unknown[],
  ): Promise<R[]> {
    const storage = this.storage(tenantId);
    switch (storage.mode) {
      case 'shared':
        return this.shared.query<R>(tenantId, {
          name: `${name}-shared`,
          text: textFor(SHARED_SCHEMA),
          values,
        });
      case 'schema':
        return (await this.main.query<R>(this.statement(name, storage.schema, textFor, values))).rows;
      case 'dedicated': {
        const pool = this.dedicatedPool(storage.database);
        return (await pool.query<R>({ name, text: textFor('public'), values })).rows;
      }
    }
  }

  async close(): Promise<void> {
    const pools = [this.main, ...this.dedicated.values()];
    this.dedicated.clear();
    await Promise.all([this.shared.end(), ...pools.map((pool) => pool.end())]);
  }

  private statement(name: string, schema: string, textFor: (schema: string) => string, values: unknown[]) {
    const text = textFor(schema);
    if (!this.prepared.has(schema)) {
      if (this.prepared.size >= this.preparedSchemas) return { text, values };
      this.prepared.add(schema);
    }
    return { name: `${name}-${schema}`, text, values };
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
