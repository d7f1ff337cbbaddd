/** Default PostgreSQL schema of the relay's own table (beside the event store's, not inside it). */
export const DEFAULT_RELAY_SCHEMA = 'event_relay';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertRelaySchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new TypeError(`relay schema must be a lower-case SQL identifier; got ${JSON.stringify(schema)}`);
  }
  return schema;
}

/**
 * Idempotent DDL: the checkpoint table, one row per relay name. A row without checkpoint records
 * that the relay starts at the beginning of the log (set by `initialize`, before its first save).
 */
export const relaySchemaDdl = (schema: string): string => `
create schema if not exists "${schema}";
create table if not exists "${schema}".relay_checkpoints (
  name text primary key,
  checkpoint text,
  updated_at timestamptz not null default now()
);
alter table "${schema}".relay_checkpoints alter column checkpoint drop not null;
`;

/** Key of the transaction lock that serialises concurrent migrations of one schema. */
export const relayMigrationLockKey = (schema: string): string => `event-relay:migrate:${schema}`;
