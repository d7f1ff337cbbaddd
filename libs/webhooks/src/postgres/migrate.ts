import type { Pool } from 'pg';
import { DEFAULT_SCHEMA, migrationLockKey, schemaDdl } from './schema.sql';
import { inTransaction } from './transaction';

/** Creates or updates the webhooks tables. Idempotent; concurrent calls from several processes are safe. */
export async function migrateWebhooks(pool: Pool, schema: string = DEFAULT_SCHEMA): Promise<void> {
  const ddl = schemaDdl(schema);
  await inTransaction(pool, async (client) => {
    await client.query('select pg_advisory_xact_lock(hashtext($1))', [migrationLockKey(schema)]);
    await client.query(ddl);
  });
}
