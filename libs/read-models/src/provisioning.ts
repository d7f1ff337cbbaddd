import { DataSource } from 'typeorm';
import type { TenantIsolation } from '@platform/contracts';
import { readModelEntities, readModelMigrations } from './data-source';
import { SEEN_POSITIONS_SCHEMA } from './seen-positions';
import { databaseUrlFor, storageOf, type TenantStorage } from './tenant-storage';

export interface ProvisionResult {
  readonly storage: TenantStorage;
  /** Names of the migrations this call ran (empty when the storage was already current). */
  readonly migrationsRun: readonly string[];
}

export interface DeprovisionResult {
  readonly storage: TenantStorage;
  /** What was removed: `schema <name>`, `database <name>`, or `<n> rows`. */
  readonly removed: string;
}

/**
 * Makes a tenant's read-model storage exist and be current, by isolation mode:
 * `schema` creates its schema and migrates it; `dedicated` creates its database and migrates it;
 * `shared` migrates the shared schema (row-level security on `tenant_id`). Idempotent: a second call,
 * or a call after a crash half-way, ends in the same place.
 */
export async function provisionTenantStorage(
  databaseUrl: string,
  tenantId: string,
  isolation: TenantIsolation,
): Promise<ProvisionResult> {
  const storage = storageOf(tenantId, isolation);
  if (storage.database !== undefined) await createDatabaseIfMissing(databaseUrl, storage.database);
  return { storage, migrationsRun: await migrateStorage(databaseUrl, storage) };
}

/**
 * Runs the read-model migrations that `storage` (a schema, a tenant's database, the shared schema)
 * has not run yet, under a lock per storage; the names of those it ran. The storage's database exists.
 */
export async function migrateStorage(databaseUrl: string, storage: TenantStorage): Promise<string[]> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrlFor(databaseUrl, storage.database),
    schema: storage.schema,
    entities: readModelEntities,
    migrations: readModelMigrations,
    migrationsTableName: 'read_model_migrations',
    extra: { max: 1 },
  });
  await dataSource.initialize();
  try {
    // Serialise concurrent provisioning of the same storage (two controllers, a retry).
    await dataSource.query('SELECT pg_advisory_lock(hashtext($1))', [`read-models:${storage.schema}`]);
    await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${storage.schema}"`);
    const ran = await dataSource.runMigrations({ transaction: 'all' });
    return ran.map((migration) => migration.name);
  } finally {
    await dataSource
      .query('SELECT pg_advisory_unlock(hashtext($1))', [`read-models:${storage.schema}`])
      .catch(() => undefined);
    await dataSource.destroy();
  }
}

/** Removes a tenant's read models: its schema, its database, or its rows in the shared schema. */
export async function deprovisionTenantStorage(
  databaseUrl: string,
  tenantId: string,
  isolation: TenantIsolation,
): Promise<DeprovisionResult> {
  const storage = storageOf(tenantId, isolation);
  return withMainDatabase(databaseUrl, async (main) => {
    // the positions its read models saw (X-Consistency-Token) and its floor, whatever the mode
    for (const table of ['seen_positions', 'seen_floors']) {
      const name = `"${SEEN_POSITIONS_SCHEMA}".${table}`;
      const found: { t: string | null }[] = await main.query(`SELECT to_regclass($1) AS t`, [name]);
      if (found[0]?.t) await main.query(`DELETE FROM ${name} WHERE tenant_id = $1`, [tenantId]);
    }
    switch (storage.mode) {
      case 'schema':
        await main.query(`DROP SCHEMA IF EXISTS "${storage.schema}" CASCADE`);
        return { storage, removed: `schema ${storage.schema}` };
      case 'dedicated':
        await main.query(`DROP DATABASE IF EXISTS "${storage.database}" WITH (FORCE)`);
        return { storage, removed: `database ${storage.database}` };
      case 'shared': {
        // the tables of the shared schema that exist (a table of a later migration may not yet)
        const tables = await sharedTables(main, storage.schema);
        let removed = 0;
        for (const table of tables) {
          removed += await affectedRows(
            main,
            `DELETE FROM "${storage.schema}"."${table}" WHERE tenant_id = $1`,
            [tenantId],
          );
        }
        return { storage, removed: `${removed} rows` };
      }
    }
  });
}

/**
 * Bytes the tenant's read models take, by isolation mode: its schema's tables with their indexes
 * and TOAST (`schema`), its database (`dedicated`), or the size of its rows in the shared tables
 * (`shared`: row data only, the shared indexes are not apportioned). 0 when there is no storage.
 * One connection for this call only: a meter that measures tenant after tenant uses
 * {@link ReadModelStorageMeter}, which keeps its connection.
 */
export async function tenantStorageBytes(
  databaseUrl: string,
  tenantId: string,
  isolation: TenantIsolation,
): Promise<number> {
  return withMainDatabase(databaseUrl, (main) => measureStorage(main, tenantId, isolation));
}

/**
 * Measures tenants' read models ({@link tenantStorageBytes}) over one connection to the main
 * database, opened at the first measure and kept until `close`.
 *
 * @example
 * const meter = new ReadModelStorageMeter(process.env.DATABASE_URL);
 * const bytes = await meter.bytes(tenantId, 'shared');
 * await meter.close();
 */
export class ReadModelStorageMeter {
  private main: Promise<DataSource> | undefined;

  constructor(private readonly databaseUrl: string) {}

  async bytes(tenantId: string, isolation: TenantIsolation): Promise<number> {
    this.main ??= new DataSource({ type: 'postgres', url: this.databaseUrl, extra: { max: 1 } })
      .initialize()
      .catch((error: unknown) => {
        this.main = undefined; // the next measure tries again
        throw error;
      });
    return measureStorage(await this.main, tenantId, isolation);
  }

  async close(): Promise<void> {
    const main = this.main;
    this.main = undefined;
    if (main === undefined) return;
    try {
      await (await main).destroy();
    } catch {
      // never opened: nothing to close
    }
  }
}

async function measureStorage(
  main: DataSource,
  tenantId: string,
  isolation: TenantIsolation,
): Promise<number> {
  const storage = storageOf(tenantId, isolation);
  const bytes = async (sql: string, parameters: unknown[]): Promise<number> => {
    const rows: { bytes: string | null }[] = await main.query(sql, parameters);
    return Number(rows[0]?.bytes ?? 0);
  };
  switch (storage.mode) {
    case 'schema':
      return bytes(
        `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint AS bytes FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1 AND c.relkind IN ('r', 'm', 'p')`,
        [storage.schema],
      );
    case 'dedicated':
      return bytes(`SELECT pg_database_size(datname)::bigint AS bytes FROM pg_database WHERE datname = $1`, [
        storage.database,
      ]);
    case 'shared': {
      let total = 0;
      for (const table of await sharedTables(main, storage.schema)) {
        total += await bytes(
          `SELECT coalesce(sum(pg_column_size(t.*)), 0)::bigint AS bytes FROM "${storage.schema}"."${table}" t
            WHERE t.tenant_id = $1`,
          [tenantId],
        );
      }
      return total;
    }
  }
}

/** The tenant's rows of the shared product read model, when the shared schema has it (a later migration). */
/** True when the tenant's storage has its read-model tables. */
export async function tenantStorageReady(
  databaseUrl: string,
  tenantId: string,
  isolation: TenantIsolation,
): Promise<boolean> {
  const storage = storageOf(tenantId, isolation);
  if (storage.database !== undefined) {
    const found = await withMainDatabase(databaseUrl, (main): Promise<unknown[]> =>
      main.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [storage.database]),
    );
    if (found.length === 0) return false;
  }
  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrlFor(databaseUrl, storage.database),
    extra: { max: 1 },
  });
  await dataSource.initialize();
  try {
    const rows: unknown[] = await dataSource.query(
      `SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'orders'`,
      [storage.schema],
    );
    return rows.length > 0;
  } finally {
    await dataSource.destroy();
  }
}

async function createDatabaseIfMissing(databaseUrl: string, database: string): Promise<void> {
  await withMainDatabase(databaseUrl, async (main) => {
    const found: unknown[] = await main.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [database]);
    if (found.length > 0) return;
    try {
      // CREATE DATABASE cannot run in a transaction; a concurrent creator may win the race.
      await main.query(`CREATE DATABASE "${database}"`);
    } catch (error) {
      if ((error as { code?: string }).code !== '42P04') throw error;
    }
  });
}

/** Tables of the shared schema holding tenants' rows, as far as the migrations that ran created them. */
const SHARED_TABLES = [
  'orders',
  'processed_events',
  'products',
  'order_totals_hourly',
  'order_sku_totals_hourly',
];

async function sharedTables(main: DataSource, schema: string): Promise<string[]> {
  const rows: { table_name: string }[] = await main.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name = ANY($2)
      ORDER BY table_name`,
    [schema, SHARED_TABLES],
  );
  return rows.map((row) => row.table_name);
}

async function withMainDatabase<T>(databaseUrl: string, work: (main: DataSource) => Promise<T>): Promise<T> {
  const main = new DataSource({ type: 'postgres', url: databaseUrl, extra: { max: 1 } });
  await main.initialize();
  try {
    return await work(main);
  } finally {
    await main.destroy();
  }
}

async function affectedRows(dataSource: DataSource, sql: string, parameters: unknown[]): Promise<number> {
  const runner = dataSource.createQueryRunner();
  try {
    const result = await runner.query(sql, parameters, true);
    return result.affected ?? 0;
  } finally {
    await runner.release();
  }
}
