import { GENESIS_HASH, PLATFORM_TENANT_ID } from '../audit-record';
import { LIMITS } from '../guards';

// DDL of the audit log. Every statement is idempotent; `migrate()` runs them all in one transaction
// under an advisory lock, so concurrent starts of several processes are safe.
//
// What the database itself guarantees, whatever the client does:
// - a record extends its tenant's chain (sequence = head + 1, previous_hash = head hash or genesis),
//   checked under the chain's advisory lock, so chains never fork nor skip;
// - no UPDATE and no TRUNCATE, ever;
// - DELETE only of a tenant being purged, in the transaction that recorded the purge in the platform
//   chain (see purge_marker below and AuditLog.purgeTenant).
// A role that owns the table can still disable the triggers: the hash chain is what makes that
// visible (AuditLog.verify), not these triggers.

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

export const DEFAULT_SCHEMA = 'audit';

/** Action of the platform-chain record that authorises purging a tenant's chain. */
export const PURGE_ACTION = 'audit.purge';

/** Transaction-local setting naming the sequence of that platform record during a purge. */
export const PURGE_MARKER_SETTING = 'audit.purge_record';

/** Returns `schema` if it is a safe, unquoted-style identifier, otherwise throws a TypeError. */
export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new TypeError(`schema must match ${String(SCHEMA_NAME)}; got ${JSON.stringify(schema)}`);
  }
  return schema;
}

/** Key for `pg_advisory_xact_lock(hashtext(key))`: one migration at a time per schema. */
export const migrationLockKey = (schema: string): string => `audit:migrate:${schema}`;

export function schemaDdl(schema: string): string {
  const s = `"${assertSchemaName(schema)}"`;
  return `
create schema if not exists ${s};

create table if not exists ${s}.records (
  tenant_id      uuid        not null,
  sequence       bigint      not null check (sequence >= 1),
  actor          text        not null check (char_length(actor) between 1 and ${LIMITS.actor}),
  action         text        not null check (char_length(action) <= ${LIMITS.action}
                                             and action ~ '^[A-Za-z][A-Za-z0-9_-]*([.][A-Za-z0-9_-]+)+$'),
  target         text        not null check (char_length(target) between 1 and ${LIMITS.target}),
  previous_state jsonb,
  new_state      jsonb,
  request_id     text        not null check (char_length(request_id) between 1 and ${LIMITS.requestId}),
  correlation_id text        not null
                             check (char_length(correlation_id) between 1 and ${LIMITS.correlationId}),
  occurred_at    timestamptz not null,
  previous_hash  text        not null check (previous_hash ~ '^[0-9a-f]{64}$'),
  hash           text        not null check (hash ~ '^[0-9a-f]{64}$'),
  primary key (tenant_id, sequence)
);

comment on table ${s}.records is
  'Append-only, hash-chained audit records, one chain per tenant. No UPDATE, no TRUNCATE; DELETE only through AuditLog.purgeTenant.';

${chainFunctionsDdl(s, schema)}
${guardTriggersDdl(s)}
`;
}

// The chain's lock: one advisory lock per (schema, tenant), two-key form so it never collides with
// the single-key locks other libs take.
function chainFunctionsDdl(s: string, schema: string): string {
  const lock = `pg_advisory_xact_lock(hashtext('audit:${schema}'), hashtext(p_tenant::text))`;
  return `
-- Locks the tenant's chain until the end of the transaction and returns its head (no row when empty).
-- Volatile plpgsql: the select after the lock takes a fresh snapshot, so it sees the head committed by
-- whoever held the lock before.
create or replace function ${s}.lock_chain_head(p_tenant uuid)
returns table (head_sequence bigint, head_hash text)
language plpgsql as $fn$
begin
  perform ${lock};
  return query
    select r.sequence, r.hash from ${s}.records r
     where r.tenant_id = p_tenant order by r.sequence desc limit 1;
end;
$fn$;

create or replace function ${s}.records_extend_chain() returns trigger
language plpgsql as $fn$
declare
  p_tenant   uuid := new.tenant_id;
  v_sequence bigint;
  v_hash     text;
begin
  perform ${lock};
  select r.sequence, r.hash into v_sequence, v_hash from ${s}.records r
   where r.tenant_id = p_tenant order by r.sequence desc limit 1;
  if new.sequence <> coalesce(v_sequence, 0) + 1
     or new.previous_hash <> coalesce(v_hash, '${GENESIS_HASH}') then
    raise exception 'audit chain of tenant % is at sequence %; record % does not extend it',
      p_tenant, coalesce(v_sequence, 0), new.sequence
      using errcode = 'serialization_failure';
  end if;
  return new;
end;
$fn$;

create or replace trigger records_extend_chain before insert on ${s}.records
  for each row execute function ${s}.records_extend_chain();
`;
}

function guardTriggersDdl(s: string): string {
  return `
create or replace function ${s}.records_refuse_change() returns trigger
language plpgsql as $fn$
begin
  raise exception 'audit records are append-only: % refused', tg_op
    using errcode = 'restrict_violation';
end;
$fn$;

create or replace trigger records_refuse_update before update on ${s}.records
  for each statement execute function ${s}.records_refuse_change();

create or replace trigger records_refuse_truncate before truncate on ${s}.records
  for each statement execute function ${s}.records_refuse_change();

-- A row may be deleted only while its tenant is purged: the transaction has set ${PURGE_MARKER_SETTING}
-- to the sequence of a platform-chain '${PURGE_ACTION}' record that targets this tenant and that this
-- very transaction inserted (xmin). So a purge that is not itself audited cannot happen.
create or replace function ${s}.records_guard_delete() returns trigger
language plpgsql as $fn$
declare
  v_marker     text := current_setting('${PURGE_MARKER_SETTING}', true);
  v_authorised boolean := false;
begin
  if old.tenant_id <> '${PLATFORM_TENANT_ID}' and v_marker ~ '^[0-9]{1,18}$' then
    select true into v_authorised from ${s}.records p
     where p.tenant_id = '${PLATFORM_TENANT_ID}' and p.sequence = v_marker::bigint
       and p.action = '${PURGE_ACTION}' and p.target = 'tenant/' || old.tenant_id::text
       and p.xmin = pg_current_xact_id()::xid;
  end if;
  if coalesce(v_authorised, false) then
    return old;
  end if;
  raise exception 'audit records are append-only: DELETE refused outside AuditLog.purgeTenant'
    using errcode = 'restrict_violation';
end;
$fn$;

create or replace trigger records_guard_delete before delete on ${s}.records
  for each row execute function ${s}.records_guard_delete();
`;
}
