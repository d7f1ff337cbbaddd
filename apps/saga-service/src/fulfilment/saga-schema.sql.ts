/** A schema name the store accepts: a plain identifier (it is spliced into the DDL and statements). */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new TypeError(`not a schema name: ${JSON.stringify(schema)}`);
  return schema;
}

/**
 * The saga's own tables (ADR 0020). Shared by every tenant, each row keyed by its tenant: every
 * statement names the tenant, and the tenant comes only from the input's `ce_tenantid`.
 * - `fulfilments`: one row per (tenant, order), the saga's state; locked for each step.
 * - `processed_inputs`: the `ce_id` of every input handled, so a redelivery changes nothing.
 * - `outbox`: the commands each step issued, written with the state; relayed to Kafka in `id` order.
 * - `timers`: at most one deadline per (tenant, order).
 */
export function sagaSchemaDdl(schema: string): string {
  const s = assertSchemaName(schema);
  return `
create schema if not exists ${s};
create table if not exists ${s}.fulfilments (
  tenant_id uuid not null,
  order_id uuid not null,
  state jsonb not null,
  version integer not null,
  correlation_id text not null,
  traceparent text,
  tracestate text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, order_id)
);
create table if not exists ${s}.processed_inputs (
  tenant_id uuid not null,
  input_id text not null,
  order_id uuid not null,
  processed_at timestamptz not null default now(),
  primary key (tenant_id, input_id)
);
create index if not exists processed_inputs_age on ${s}.processed_inputs (processed_at);
create table if not exists ${s}.outbox (
  id bigint generated always as identity primary key,
  command_id uuid not null unique,
  tenant_id uuid not null,
  order_id uuid not null,
  type text not null,
  topic text not null,
  key text not null,
  data jsonb not null,
  data_schema_version integer not null,
  correlation_id text not null,
  causation_id text not null,
  traceparent text,
  tracestate text,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
create index if not exists outbox_unsent on ${s}.outbox (id) where sent_at is null;
create index if not exists outbox_by_tenant on ${s}.outbox (tenant_id);
create table if not exists ${s}.timers (
  tenant_id uuid not null,
  order_id uuid not null,
  due_at timestamptz not null,
  primary key (tenant_id, order_id)
);
create index if not exists timers_due on ${s}.timers (due_at);
`;
}
