import { appendFunctionDdl, appendManyFunctionDdl, findRepeatFunctionDdl } from './append-function.sql';
import { rowLevelSecurityDdl } from './row-level-security.sql';

// DDL of the PostgreSQL event store. Every statement is idempotent; `migrate()` runs them all in one
// transaction under an advisory lock, so concurrent starts of several processes are safe.

/** Lower-case identifier, short enough to be embedded in prepared statement names (63 bytes max). */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

export const DEFAULT_SCHEMA = 'event_store';

/** Returns `schema` if it is a safe, unquoted-style identifier, otherwise throws a TypeError. */
export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new TypeError(`schema must match ${String(SCHEMA_NAME)}; got ${JSON.stringify(schema)}`);
  }
  return schema;
}

/** Key for `pg_advisory_xact_lock(hashtext(key))`: one migration at a time per schema. */
export const migrationLockKey = (schema: string): string => `event-store:migrate:${schema}`;

export interface SchemaOptions {
  /** Switch row-level security on for the tenant tables (it is never switched off here). */
  rowLevelSecurity?: boolean;
}

export function schemaDdl(schema: string, options: SchemaOptions = {}): string {
  const s = `"${assertSchemaName(schema)}"`;
  return `
create schema if not exists ${s};

create table if not exists ${s}.streams (
  tenant_id   uuid   not null,
  stream_name text   not null,
  version     bigint not null,
  primary key (tenant_id, stream_name)
);

create table if not exists ${s}.events (
  global_position bigserial   primary key,
  tenant_id       uuid        not null,
  stream_name     text        not null,
  stream_version  bigint      not null,
  event_id        uuid        not null unique,
  event_type      text        not null,
  data            jsonb       not null,
  metadata        jsonb       not null,
  schema_version  int         not null,
  recorded_at     timestamptz not null default now(),
  -- the writing transaction: the global log is read in (transaction_id, global_position) order, up
  -- to the oldest transaction still running (ADR 0005)
  transaction_id  xid8        not null default pg_current_xact_id(),
  unique (tenant_id, stream_name, stream_version)
);

-- stream reads use the unique (tenant_id, stream_name, stream_version) index, both directions
create index if not exists events_tenant_type_recorded_at_idx
  on ${s}.events (tenant_id, event_type, recorded_at);
create index if not exists events_transaction_position_idx
  on ${s}.events (transaction_id, global_position);
create index if not exists events_tenant_transaction_position_idx
  on ${s}.events (tenant_id, transaction_id, global_position);

create table if not exists ${s}.snapshots (
  tenant_id      uuid        not null,
  stream_name    text        not null,
  aggregate_type text        not null,
  version        bigint      not null,
  schema_version int         not null,
  state          jsonb       not null,
  taken_at       timestamptz not null default now(),
  primary key (tenant_id, stream_name, aggregate_type)
);

${appendFunctionDdl(s)}

${appendManyFunctionDdl(s)}

${findRepeatFunctionDdl(s)}

${rowLevelSecurityDdl(schema, options.rowLevelSecurity === true)}
`;
}
