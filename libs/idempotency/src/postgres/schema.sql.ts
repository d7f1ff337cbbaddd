// DDL of the idempotency records. Every statement is idempotent; `PostgresIdempotencyStore.migrate()`
// runs them in one transaction under an advisory lock, so concurrent starts of several processes are safe.

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

export const DEFAULT_SCHEMA = 'idempotency';

/** Returns `schema` if it is a safe, unquoted-style identifier, otherwise throws a TypeError. */
export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new TypeError(`schema must match ${String(SCHEMA_NAME)}; got ${JSON.stringify(schema)}`);
  }
  return schema;
}

/** Key for `pg_advisory_xact_lock(hashtext(key))`: one migration at a time per schema. */
export const migrationLockKey = (schema: string): string => `idempotency:migrate:${schema}`;

export function schemaDdl(schema: string): string {
  const s = `"${assertSchemaName(schema)}"`;
  return `
create schema if not exists ${s};

-- One row per (scope, method, path, key): a claim while its request runs, then its first answer.
-- The key itself is not stored (id is a hash of the four), and the answer is sealed with a key
-- derived from it: API keys and webhook secrets shown once are not readable here.
create table if not exists ${s}.records (
  id           text        primary key check (id ~ '^[0-9a-f]{64}$'),
  scope        text        not null,
  tenant_id    uuid,
  method       text        not null,
  path         text        not null,
  fingerprint  text        not null,
  claim_token  uuid        not null,
  state        text        not null check (state in ('in-flight', 'completed')),
  claimed_at   timestamptz not null,
  expires_at   timestamptz not null,
  completed_at timestamptz,
  status       smallint,
  response     bytea,
  constraint records_completed_has_response
    check ((state = 'completed') = (status is not null and response is not null))
);

create index if not exists records_by_tenant on ${s}.records (tenant_id) where tenant_id is not null;
create index if not exists records_by_expiry on ${s}.records (expires_at);

comment on table ${s}.records is
  'Idempotency-Key records (contract section 3): claims and first responses, kept until expires_at.';
`;
}
