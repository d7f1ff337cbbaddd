import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { assertSchemaName } from '../postgres/schema.sql';

// Helpers for this lib's PostgreSQL integration specs: each run works in its own throwaway schema.

export const TEST_DATABASE_URL =
  process.env.DATABASE_URL ?? 'postgres://platform:platform@127.0.0.1:5432/platform';

export const randomTestSchema = (): string => `audit_test_${randomBytes(4).toString('hex')}`;

export async function dropSchema(schema: string): Promise<void> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${assertSchemaName(schema)}" cascade`);
  } finally {
    await client.end();
  }
}

/** Runs `statements` as the schema owner in one transaction, e.g. to tamper with triggers disabled. */
export async function asOwner(statements: (client: Client) => Promise<void>): Promise<void> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query('begin');
    await statements(client);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    await client.end();
  }
}
