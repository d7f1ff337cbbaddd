import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { dropTestSchema, testInfra } from '@platform/testing';
import { migrateWebhooks } from '../postgres/migrate';
import { assertSchemaName } from '../postgres/schema.sql';

// Helpers for this lib's PostgreSQL integration specs: each spec file works in its own throwaway schema.

export const TEST_DATABASE_URL = testInfra.databaseUrl;

export const randomTestSchema = (): string => `wh_test_${randomBytes(4).toString('hex')}`;

export interface TestDatabase {
  readonly pool: Pool;
  readonly schema: string;
  /** Ends the pool and drops the schema. */
  readonly drop: () => Promise<void>;
}

/** A pool and a freshly migrated random schema. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const schema = randomTestSchema();
  const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 10 });
  await migrateWebhooks(pool, schema);
  return {
    pool,
    schema,
    drop: async () => {
      await pool.end();
      await dropTestSchema(assertSchemaName(schema));
    },
  };
}
