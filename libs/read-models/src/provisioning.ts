import { DataSource } from 'typeorm';
import { readModelEntities, readModelMigrations } from './data-source';
import { tenantSchema } from './tenant-schema';

export interface ProvisionResult {
  readonly schema: string;
  /** Names of the migrations this call ran (empty when the schema was already current). */
  readonly migrationsRun: readonly string[];
}

/**
 * Creates the tenant's read-model schema and runs the read-model migrations inside it.
 * Idempotent: a second call (or a call after a crash half-way) ends in the same place.
 */
export async function provisionTenantSchema(databaseUrl: string, tenantId: string): Promise<ProvisionResult> {
  const schema = tenantSchema(tenantId);
  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrl,
    schema,
    entities: readModelEntities,
    migrations: readModelMigrations,
    migrationsTableName: 'read_model_migrations',
    migrationsTransactionMode: 'all',
    extra: { max: 1 },
  });
  await dataSource.initialize();
  try {
    // Serialise concurrent provisioning of the same tenant (two controllers, a retry).
    await dataSource.query('SELECT pg_advisory_lock(hashtext($1))', [schema]);
    await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const ran = await dataSource.runMigrations({ transaction: 'all' });
    return { schema, migrationsRun: ran.map((migration) => migration.name) };
  } finally {
    await dataSource.query('SELECT pg_advisory_unlock(hashtext($1))', [schema]).catch(() => undefined);
    await dataSource.destroy();
  }
}

/** True when the tenant's schema exists with its read-model tables. */
export async function tenantSchemaReady(dataSource: DataSource, tenantId: string): Promise<boolean> {
  const rows: unknown[] = await dataSource.query(
    `SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'orders'`,
    [tenantSchema(tenantId)],
  );
  return rows.length > 0;
}
