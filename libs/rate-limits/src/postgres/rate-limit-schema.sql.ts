/** Default PostgreSQL schema of the shared budgets. */
export const DEFAULT_RATE_LIMIT_SCHEMA = 'rate_limits';

/** The table rate-limiter-flexible's `RateLimiterPostgres` reads and writes (its own layout). */
export const BUDGETS_TABLE = 'budgets';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertRateLimitSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new TypeError(
      `rate limit schema must be a lower-case SQL identifier; got ${JSON.stringify(schema)}`,
    );
  }
  return schema;
}

/**
 * Idempotent DDL. One row per key (`tenant:<id>`): points spent in the current window and when it
 * ends (`expire`, epoch ms). The columns are the ones `RateLimiterPostgres` would create itself; we
 * create them here, under a lock, so that several instances starting at once do not race.
 */
export const rateLimitSchemaDdl = (schema: string): string => `
create schema if not exists "${schema}";
create table if not exists "${schema}".${BUDGETS_TABLE} (
  key varchar(255) primary key,
  points integer not null default 0,
  expire bigint
);
`;

/** Key of the transaction lock that serialises concurrent migrations of one schema. */
export const rateLimitMigrationLockKey = (schema: string): string => `rate-limits:migrate:${schema}`;
