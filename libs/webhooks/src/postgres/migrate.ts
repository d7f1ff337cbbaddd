import type { Pool } from 'pg';
import { migrateUnderLock } from '@platform/postgres-kit';
import { DEFAULT_SCHEMA, migrationLockKey, schemaDdl } from './schema.sql';

/** Creates or updates the webhooks tables. Idempotent; concurrent calls from several processes are safe. */
export async function migrateWebhooks(pool: Pool, schema: string = DEFAULT_SCHEMA): Promise<void> {
  await migrateUnderLock(pool, migrationLockKey(schema), schemaDdl(schema));
}
