import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { dropTestSchema, testInfra, withTestClient } from '@platform/testing';
import { assertSchemaName } from '../postgres/schema.sql';

// Helpers for this lib's PostgreSQL integration specs: each run works in its own throwaway schema.

export const TEST_DATABASE_URL = testInfra.databaseUrl;

export const randomTestSchema = (): string => `audit_test_${randomBytes(4).toString('hex')}`;

export const dropSchema = (schema: string): Promise<void> => dropTestSchema(assertSchemaName(schema));

/** Runs `statements` as the schema owner in one transaction, e.g. to tamper with triggers disabled. */
export async function asOwner(statements: (client: Client) => Promise<void>): Promise<void> {
  await withTestClient(async (client) => {
    await client.query('begin');
    try {
      await statements(client);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback');
      throw error;
    }
  });
}
