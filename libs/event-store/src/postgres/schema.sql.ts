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

export function schemaDdl(schema: string): string {
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
  -- for gap-free global reads (events visible below pg_snapshot_xmin), not used yet
  transaction_id  xid8        not null default pg_current_xact_id(),
  unique (tenant_id, stream_name, stream_version)
);

create index if not exists events_tenant_type_recorded_at_idx
  on ${s}.events (tenant_id, event_type, recorded_at);

${appendFunctionDdl(s)}
`;
}

// One round trip per append. The row in `streams` is the stream's lock: concurrent appends to one
// stream serialize on it, so exactly one of several appends with the same expected version wins.
// A refused append returns ok = false and the actual version instead of raising, and writes nothing.
// Invariant: a `streams` row exists only once its stream has at least one event.
function appendFunctionDdl(s: string): string {
  return `
create or replace function ${s}.append_to_stream(
  p_tenant uuid, p_stream text, p_mode text, p_expected bigint,
  p_ids uuid[], p_types text[], p_data jsonb[], p_metadata jsonb[], p_schema int[]
) returns table (ok boolean, actual_version bigint, next_version bigint, last_position bigint)
language plpgsql as $fn$
declare
  v_count   bigint := coalesce(cardinality(p_ids), 0);
  v_current bigint;
  v_next    bigint;
begin
  if p_mode not in ('any', 'no-stream', 'stream-exists', 'exact') then
    raise exception 'append_to_stream: unknown mode %', p_mode using errcode = '22023';
  end if;
  if p_mode = 'exact' and (p_expected is null or p_expected < 1) then
    raise exception 'append_to_stream: exact mode needs an expected version >= 1' using errcode = '22023';
  end if;
  if coalesce(cardinality(p_types), 0) <> v_count or coalesce(cardinality(p_data), 0) <> v_count
     or coalesce(cardinality(p_metadata), 0) <> v_count or coalesce(cardinality(p_schema), 0) <> v_count then
    raise exception 'append_to_stream: event arrays differ in length' using errcode = '22023';
  end if;

  if v_count = 0 then
    select st.version into v_current from ${s}.streams st
     where st.tenant_id = p_tenant and st.stream_name = p_stream;
    v_current := coalesce(v_current, 0);
    ok := case p_mode
            when 'any' then true
            when 'no-stream' then v_current = 0
            when 'stream-exists' then v_current > 0
            else v_current = p_expected
          end;
    select coalesce(max(e.global_position), 0) into last_position from ${s}.events e
     where e.tenant_id = p_tenant and e.stream_name = p_stream and e.stream_version = v_current;
    return query select ok, v_current, case when ok then v_current end, case when ok then last_position end;
    return;
  end if;

  if p_mode = 'any' then
    insert into ${s}.streams as st (tenant_id, stream_name, version) values (p_tenant, p_stream, v_count)
    on conflict (tenant_id, stream_name) do update set version = st.version + excluded.version
    returning st.version into v_next;
  elsif p_mode = 'no-stream' then
    -- waits for a concurrent creator of the same stream; does nothing if it commits
    insert into ${s}.streams (tenant_id, stream_name, version) values (p_tenant, p_stream, v_count)
    on conflict (tenant_id, stream_name) do nothing
    returning version into v_next;
    if v_next is null then
      select st.version into v_current from ${s}.streams st
       where st.tenant_id = p_tenant and st.stream_name = p_stream;
      return query select false, coalesce(v_current, 0), null::bigint, null::bigint;
      return;
    end if;
  else
    -- 'stream-exists' or 'exact': lock the row, so the version compared is the one bumped
    select st.version into v_current from ${s}.streams st
     where st.tenant_id = p_tenant and st.stream_name = p_stream
       for update;
    v_current := coalesce(v_current, 0);
    if v_current = 0 or (p_mode = 'exact' and v_current <> p_expected) then
      return query select false, v_current, null::bigint, null::bigint;
      return;
    end if;
    v_next := v_current + v_count;
    update ${s}.streams st set version = v_next
     where st.tenant_id = p_tenant and st.stream_name = p_stream;
  end if;

  with inserted as (
    insert into ${s}.events
      (tenant_id, stream_name, stream_version, event_id, event_type, data, metadata, schema_version)
    select p_tenant, p_stream, v_next - v_count + u.ord, u.id, u.type, u.data, u.metadata, u.schema_version
      from unnest(p_ids, p_types, p_data, p_metadata, p_schema)
           with ordinality as u (id, type, data, metadata, schema_version, ord)
     order by u.ord
    returning global_position
  )
  select max(i.global_position) into last_position from inserted i;

  return query select true, v_next, v_next, last_position;
end;
$fn$;
`;
}
