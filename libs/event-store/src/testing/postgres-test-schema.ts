import { randomBytes } from 'node:crypto';
import { dropTestSchema, testDatabaseUrlAs, testInfra, withTestClient } from '@platform/testing';
import { assertSchemaName } from '../postgres/schema.sql';

// Helpers for this lib's PostgreSQL integration specs: each run works in its own throwaway schema.

export const TEST_DATABASE_URL = testInfra.databaseUrl;

export const randomTestSchema = (): string => `es_test_${randomBytes(4).toString('hex')}`;

export const dropSchema = (schema: string): Promise<void> => dropTestSchema(assertSchemaName(schema));

export { testDatabaseUrlAs, withTestClient };
