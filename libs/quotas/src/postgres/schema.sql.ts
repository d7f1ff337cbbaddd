// DDL of the usage counters. Every statement is idempotent; `UsageCounters.migrate()` runs them in
// one transaction under an advisory lock, so concurrent starts of several processes are safe.

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

export const DEFAULT_SCHEMA = 'quotas';

/** A metric's name: lower-case words joined by `-`, e.g. `orders`. */
export const METRIC_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

/** Returns `schema` if it is a safe, unquoted-style identifier, otherwise throws a TypeError. */
export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new TypeError(`schema must match ${String(SCHEMA_NAME)}; got ${JSON.stringify(schema)}`);
  }
  return schema;
}

/** Key for `pg_advisory_xact_lock(hashtext(key))`: one migration at a time per schema. */
export const migrationLockKey = (schema: string): string => `quotas:migrate:${schema}`;

export function schemaDdl(schema: string): string {
  const s = `"${assertSchemaName(schema)}"`;
  return `
create schema if not exists ${s};

-- One counter per tenant, UTC month and metric. A unit is taken by a conditional upsert under the
-- row's lock, so concurrent consumers never take more than the limit between them.
create table if not exists ${s}.usage (
  tenant_id  uuid        not null,
  period     date        not null check (extract(day from period) = 1),
  metric     text        not null check (metric ~ '${METRIC_PATTERN.source}'),
  used       bigint      not null check (used >= 0),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, period, metric)
);

-- Units the counter's last change took (ConsumeMany: how many of those asked for fitted).
alter table ${s}.usage add column if not exists last_taken bigint not null default 0;

comment on table ${s}.usage is
  'Usage per tenant, UTC month (first day) and metric, counted against plan quotas.';

-- The last measured value of a tenant's gauges (e.g. storage-bytes), checked against plan quotas.
create table if not exists ${s}.gauges (
  tenant_id   uuid        not null,
  metric      text        not null check (metric ~ '${METRIC_PATTERN.source}'),
  value       bigint      not null check (value >= 0),
  measured_at timestamptz not null,
  primary key (tenant_id, metric)
);
`;
}
