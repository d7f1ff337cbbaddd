// DDL of the webhooks outbox. Every statement is idempotent; `migrateWebhooks()` runs them all in one
// transaction under an advisory lock, so concurrent starts of several processes are safe.

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

export const DEFAULT_SCHEMA = 'webhooks';

/** Returns `schema` if it is a safe, unquoted-style identifier, otherwise throws a TypeError. */
export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new TypeError(`schema must match ${String(SCHEMA_NAME)}; got ${JSON.stringify(schema)}`);
  }
  return schema;
}

/** Key for `pg_advisory_xact_lock(hashtext(key))`: one migration at a time per schema. */
export const migrationLockKey = (schema: string): string => `webhooks:migrate:${schema}`;

/** The schema name, quoted for SQL text. */
export const quoted = (schema: string): string => `"${assertSchemaName(schema)}"`;

export function schemaDdl(schema: string): string {
  const s = quoted(schema);
  return `
create schema if not exists ${s};

-- last_sequence is the subscription's counter: enqueue bumps it under the row lock, in the same
-- transaction that inserts the delivery, so the numbers are gap-free per subscription.
create table if not exists ${s}.subscriptions (
  id            uuid        primary key,
  tenant_id     uuid        not null,
  url           text        not null,
  event_types   text[]      not null check (cardinality(event_types) > 0),
  secret        text        not null,
  created_at    timestamptz not null,
  disabled_at   timestamptz,
  last_sequence bigint      not null default 0
);

create index if not exists subscriptions_tenant_idx on ${s}.subscriptions (tenant_id, created_at);

-- A deleted tenant's subscriptions that still owe it its last webhook (its deletion): disabled, and
-- removed with their deliveries once none of those is pending (see WebhookQueue.retireTenant).
alter table ${s}.subscriptions add column if not exists retire_when_drained boolean not null default false;

-- One row per (subscription, event): the outbox and the retry queue. body is the exact JSON sent.
-- claim_token marks the dispatcher holding the current attempt; next_attempt_at doubles as its lease.
create table if not exists ${s}.deliveries (
  id               uuid        primary key,
  tenant_id        uuid        not null,
  subscription_id  uuid        not null references ${s}.subscriptions (id),
  event_id         text        not null,
  event_type       text        not null,
  sequence         bigint      not null,
  body             text        not null,
  status           text        not null check (status in ('pending', 'delivered', 'dead', 'cancelled')),
  round            int         not null default 1,
  attempts         int         not null default 0,
  next_attempt_at  timestamptz not null,
  claim_token      uuid,
  last_status_code int,
  last_error       text,
  created_at       timestamptz not null,
  updated_at       timestamptz not null,
  unique (subscription_id, event_id),
  unique (subscription_id, sequence)
);

-- The W3C traceparent of the event's trace: each attempt's span continues it (ADR 0027).
alter table ${s}.deliveries add column if not exists traceparent text;

create index if not exists deliveries_due_idx on ${s}.deliveries (next_attempt_at) where status = 'pending';
create index if not exists deliveries_tenant_status_idx on ${s}.deliveries (tenant_id, status, updated_at);

-- Every attempt, written when it starts (outcome null) and completed when it ends.
create table if not exists ${s}.attempts (
  delivery_id uuid        not null references ${s}.deliveries (id),
  tenant_id   uuid        not null,
  round       int         not null,
  attempt_no  int         not null,
  started_at  timestamptz not null,
  outcome     text        check (outcome in ('delivered', 'retry', 'dead')),
  status_code int,
  error       text,
  latency_ms  int,
  primary key (delivery_id, round, attempt_no)
);

-- Operator requeues of dead letters.
create table if not exists ${s}.requeues (
  id                bigserial   primary key,
  delivery_id       uuid        not null references ${s}.deliveries (id),
  tenant_id         uuid        not null,
  actor             text        not null,
  previous_round    int         not null,
  previous_attempts int         not null,
  requeued_at       timestamptz not null
);
`;
}
