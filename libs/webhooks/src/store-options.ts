import type { Pool } from 'pg';
import type { Clock } from './clock';

/** What every part of the webhooks lib needs: the pool, the schema (default `webhooks`), the time. */
export interface WebhookStoreOptions {
  readonly pool: Pool;
  /** PostgreSQL schema of the tables, created by `migrateWebhooks(pool, schema)`; default `webhooks`. */
  readonly schema?: string;
  readonly clock?: Clock;
}

/** The log calls the lib makes; a pino logger fits. */
export interface WebhookLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export const silentLogger: WebhookLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
