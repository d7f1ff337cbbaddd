/** Default PostgreSQL schema of the shared budgets. */
export const DEFAULT_RATE_LIMIT_SCHEMA = 'rate_limits';

/**
 * One row per key (`tenant:<id>`): the tenant's current window and the budget leased out of it
 * (ADR 0014). Replaces `budgets`, the table of rate-limiter-flexible (ADR 0008), which is no longer
 * read or written.
 */
export const WINDOWS_TABLE = 'budget_windows';

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
 * Idempotent DDL. `expire` is when the window ends (epoch ms, from the clock of the instance that
 * opened it), `granted` the budget leased to instances in it, `last_grant` what the latest statement
 * granted (its `returning`). The row is only ever updated in place, never its key: a low fill factor
 * leaves room on the page for HOT updates.
 */
export const rateLimitSchemaDdl = (schema: string): string => `
create schema if not exists "${schema}";
create table if not exists "${schema}".${WINDOWS_TABLE} (
  key varchar(255) primary key,
  expire bigint not null,
  granted integer not null,
  last_grant integer not null
) with (fillfactor = 50);
`;

/** Key of the transaction lock that serialises concurrent migrations of one schema. */
export const rateLimitMigrationLockKey = (schema: string): string => `rate-limits:migrate:${schema}`;
