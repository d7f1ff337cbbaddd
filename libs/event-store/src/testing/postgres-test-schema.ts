import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { assertSchemaName } from '../postgres/schema.sql';

// Helpers for this lib's PostgreSQL integration specs: each run works in its own throwaway schema.

export const TEST_DATABASE_URL =
  process.env.DATABASE_URL ?? 'postgres://platform:platform@127.0.0.1:5432/platform';

export const randomTestSchema = (): string => `es_test_${randomBytes(4).toString('hex')}`;

export async function dropSchema(schema: string): Promise<void> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${assertSchemaName(schema)}" cascade`);
  } finally {
    await client.end();
  }
}

/** `TEST_DATABASE_URL` with another user and password (same host and database). */
export function testDatabaseUrlAs(user: string, password: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.username = user;
  url.password = password;
  return url.toString();
}

/** Runs `work` on a fresh connection to the test database, closed afterwards. */
export async function withTestClient<T>(
  work: (client: Client) => Promise<T>,
  url = TEST_DATABASE_URL,
): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
