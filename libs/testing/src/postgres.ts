import { Client } from 'pg';
import { testInfra } from './infra';

// What every PostgreSQL integration spec needs: a connection of its own, a throwaway schema dropped
// afterwards, and the test database as another role.

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Runs `work` on a fresh connection to the test database (or `url`), closed afterwards. */
export async function withTestClient<T>(
  work: (client: Client) => Promise<T>,
  url: string = testInfra.databaseUrl,
): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Drops a spec's schema and everything in it; refuses a name that is not a plain identifier. */
export async function dropTestSchema(schema: string): Promise<void> {
  if (!SCHEMA_NAME.test(schema)) throw new TypeError(`not a schema name: ${JSON.stringify(schema)}`);
  await withTestClient((client) => client.query(`drop schema if exists "${schema}" cascade`));
}

/** The test database's URL with another user and password (same host and database). */
export function testDatabaseUrlAs(user: string, password: string): string {
  const url = new URL(testInfra.databaseUrl);
  url.username = user;
  url.password = password;
  return url.toString();
}
