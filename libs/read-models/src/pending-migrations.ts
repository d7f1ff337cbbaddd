import { Client } from 'pg';
import { readModelMigrations } from './data-source';
import { migrateStorage } from './provisioning';
import { databaseUrlFor, SHARED_SCHEMA, type TenantStorage } from './tenant-storage';

/** A tenant's schema or database: `tenant_<32 hex>` (see `tenantSchema`). */
const TENANT_NAME = '^tenant_[0-9a-f]{32}$';
/** Schemas whose migration tables are read in one statement. */
const SCHEMAS_PER_STATEMENT = 200;

/** What {@link runPendingMigrations} found and did. */
export interface PendingMigrationsResult {
  /** Storages looked at: tenant schemas, tenant databases, the shared schema. */
  readonly storages: number;
  /** Storages that were behind, and the migrations run in each. */
  readonly migrated: readonly { readonly storage: string; readonly migrations: readonly string[] }[];
  /** Storages whose migration failed, with the error (the others went on). */
  readonly failed: readonly { readonly storage: string; readonly error: string }[];
}

export interface PendingMigrationsOptions {
  /** Storages migrated at once; default 4. */
  readonly concurrency?: number;
  /** Told about each storage migrated or failed. */
  readonly onStorage?: (storage: string, outcome: { migrations?: readonly string[]; error?: string }) => void;
}

/**
 * Brings every tenant's read-model storage to the current migrations, whatever its isolation mode:
 * every `tenant_<hex>` schema and the shared schema of the main database, and every `tenant_<hex>`
 * database. What each storage ran is read first (one statement per 200 schemas, one connection per
 * tenant database); only the storages that are behind are migrated, `concurrency` at a time, each
 * under its lock (as provisioning does, so a provisioning at the same moment waits).
 *
 * @example
 * const { migrated } = await runPendingMigrations(process.env.DATABASE_URL, { concurrency: 4 });
 */
export async function runPendingMigrations(
  databaseUrl: string,
  options: PendingMigrationsOptions = {},
): Promise<PendingMigrationsResult> {
  const expected = readModelMigrations.map((Migration) => new Migration().name ?? Migration.name);
  const storages = [...(await schemasOf(databaseUrl)), ...(await databasesOf(databaseUrl))];
  const behind: { storage: TenantStorage; label: string }[] = [];
  const schemaStorages = storages.filter((s) => s.storage.database === undefined);
  for (let i = 0; i < schemaStorages.length; i += SCHEMAS_PER_STATEMENT) {
    const slice = schemaStorages.slice(i, i + SCHEMAS_PER_STATEMENT);
    const ran = await withClient(databaseUrl, (client) =>
      migrationsRun(
        client,
        slice.map((s) => s.storage.schema),
      ),
    );
    for (const item of slice) if (!isCurrent(ran.get(item.storage.schema), expected)) behind.push(item);
  }
  for (const item of storages.filter((s) => s.storage.database !== undefined)) {
    const ran = await withClient(databaseUrlFor(databaseUrl, item.storage.database), (client) =>
      migrationsRun(client, ['public']),
    ).catch(() => new Map<string, Set<string>>());
    if (!isCurrent(ran.get('public'), expected)) behind.push(item);
  }

  const migrated: { storage: string; migrations: string[] }[] = [];
  const failed: { storage: string; error: string }[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let item = behind[next++]; item !== undefined; item = behind[next++]) {
      try {
        const migrations = await migrateStorage(databaseUrl, item.storage);
        migrated.push({ storage: item.label, migrations });
        options.onStorage?.(item.label, { migrations });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        failed.push({ storage: item.label, error: message });
        options.onStorage?.(item.label, { error: message });
      }
    }
  };
  const concurrency = Math.max(1, options.concurrency ?? 4);
  await Promise.all(Array.from({ length: Math.min(concurrency, behind.length) }, worker));
  return { storages: storages.length, migrated, failed };
}

const isCurrent = (ran: Set<string> | undefined, expected: readonly string[]): boolean =>
  ran !== undefined && expected.every((name) => ran.has(name));

/** The shared schema and the tenant schemas of the main database that have a migrations table. */
async function schemasOf(databaseUrl: string): Promise<{ storage: TenantStorage; label: string }[]> {
  const { rows } = await withClient(databaseUrl, (client) =>
    client.query<{ schema: string }>(
      `SELECT table_schema AS schema FROM information_schema.tables
        WHERE table_name = 'read_model_migrations' AND (table_schema = $1 OR table_schema ~ $2)
        ORDER BY 1`,
      [SHARED_SCHEMA, TENANT_NAME],
    ),
  );
  return rows.map(({ schema }) => ({
    storage:
      schema === SHARED_SCHEMA
        ? { mode: 'shared', database: undefined, schema: SHARED_SCHEMA }
        : { mode: 'schema', database: undefined, schema },
    label: `schema ${schema}`,
  }));
}

async function databasesOf(databaseUrl: string): Promise<{ storage: TenantStorage; label: string }[]> {
  const { rows } = await withClient(databaseUrl, (client) =>
    client.query<{ name: string }>(`SELECT datname AS name FROM pg_database WHERE datname ~ $1 ORDER BY 1`, [
      TENANT_NAME,
    ]),
  );
  return rows.map(({ name }) => ({
    storage: { mode: 'dedicated', database: name, schema: 'public' },
    label: `database ${name}`,
  }));
}

/** The migrations each schema ran (a schema without the table is left out). */
async function migrationsRun(client: Client, schemas: readonly string[]): Promise<Map<string, Set<string>>> {
  const present = await client.query<{ schema: string }>(
    `SELECT table_schema AS schema FROM information_schema.tables
      WHERE table_name = 'read_model_migrations' AND table_schema = ANY($1)`,
    [schemas],
  );
  const ran = new Map<string, Set<string>>();
  if (present.rows.length === 0) return ran;
  // The names come from information_schema and match `tenant_<hex>`, `tenant_shared` or `public`.
  const union = present.rows
    .map(({ schema }) => `SELECT '${schema}' AS schema, name FROM "${schema}".read_model_migrations`)
    .join(' UNION ALL ');
  for (const { schema } of present.rows) ran.set(schema, new Set());
  const { rows } = await client.query<{ schema: string; name: string }>(union);
  for (const row of rows) ran.get(row.schema)?.add(row.name);
  return ran;
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'read-model-migrations' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
