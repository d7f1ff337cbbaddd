// The append, in one round trip: a PL/pgSQL function. `s` is the quoted schema name.

// The row in `streams` is the stream's lock: concurrent appends to one stream serialize on it, so
// exactly one of several appends with the same expected version wins. A refused append returns
// ok = false and the actual version instead of raising, and writes nothing.
// Invariant: a `streams` row exists only once its stream has at least one event.
//
// Idempotency costs nothing on the way of a new append. A batch whose ids are recorded fails with a
// unique violation on events.event_id, and writes nothing: raised by the insert (any /
// stream-exists), or, when the version check refused the batch (exact / no-stream: the first attempt
// moved the stream on), after one index probe on its first event id. The adapter then asks
// find_repeat, in a second round trip, whether it repeats an earlier append (whose result it
// returns) or reuses ids (refused).
export function appendFunctionDdl(s: string): string {
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
      v_current := coalesce(v_current, 0);
    end if;
  else
    -- 'stream-exists' or 'exact': lock the row, so the version compared is the one bumped
    select st.version into v_current from ${s}.streams st
     where st.tenant_id = p_tenant and st.stream_name = p_stream
       for update;
    v_current := coalesce(v_current, 0);
    if v_current > 0 and (p_mode = 'stream-exists' or v_current = p_expected) then
      v_next := v_current + v_count;
      update ${s}.streams st set version = v_next
       where st.tenant_id = p_tenant and st.stream_name = p_stream;
    end if;
  end if;

  if v_next is null then
    -- refused: a plain version conflict, unless the first event id is recorded (a repeat of an
    -- earlier append, or a reused id), which is reported as the insert would have reported it
    if exists (select 1 from ${s}.events e where e.event_id = p_ids[1]) then
      raise exception 'append_to_stream: event id % is already recorded', p_ids[1]
        using errcode = 'unique_violation', constraint = 'events_event_id_key';
    end if;
    return query select false, v_current, null::bigint, null::bigint;
    return;
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

// Whether p_ids are already this stream's events, consecutive and in order, at the versions the
// append's expected version gives them (stream_version - ordinal = the version before the append).
export function findRepeatFunctionDdl(s: string): string {
  return `
create or replace function ${s}.find_repeat(
  p_tenant uuid, p_stream text, p_mode text, p_expected bigint, p_ids uuid[]
) returns table (repeated boolean, next_version bigint, last_position bigint)
language sql stable as $fn$
  with found as (
    select e.stream_version - b.ord as version_before, e.stream_version, e.global_position
      from unnest(p_ids) with ordinality as b (id, ord)
      join ${s}.events e on e.event_id = b.id
     where e.tenant_id = p_tenant and e.stream_name = p_stream
  ), summary as (
    select count(*) as n, min(version_before) as lo, max(version_before) as hi,
           max(stream_version) as last_version, max(global_position) as last_position
      from found
  )
  select coalesce(
           n = coalesce(cardinality(p_ids), 0) and n > 0 and lo = hi
           and case p_mode
                 when 'any' then true
                 when 'no-stream' then lo = 0
                 when 'stream-exists' then lo > 0
                 else lo = p_expected
               end,
           false),
         last_version, last_position
    from summary
$fn$;
`;
}

// Several appends in one round trip (the command service's group commit, ADR 0018): each append is
// append_to_stream on its slice of the event arrays (p_counts[i] events each, in order), its own
// outcome a row of the result (ord = its index from 1). A refused append writes nothing and does not
// stop the others; an error (a recorded event id) aborts them all, as one statement does.
export function appendManyFunctionDdl(s: string): string {
  return `
create or replace function ${s}.append_to_streams(
  p_tenants uuid[], p_streams text[], p_modes text[], p_expected bigint[], p_counts int[],
  p_ids uuid[], p_types text[], p_data jsonb[], p_metadata jsonb[], p_schema int[]
) returns table (ord int, ok boolean, actual_version bigint, next_version bigint, last_position bigint)
language plpgsql as $fn$
declare
  v_from int := 1;
  v_to   int;
begin
  for i in 1 .. coalesce(cardinality(p_streams), 0) loop
    v_to := v_from + p_counts[i] - 1;
    return query
      select i, r.ok, r.actual_version, r.next_version, r.last_position
        from ${s}.append_to_stream(p_tenants[i], p_streams[i], p_modes[i], p_expected[i],
               p_ids[v_from:v_to], p_types[v_from:v_to], p_data[v_from:v_to], p_metadata[v_from:v_to],
               p_schema[v_from:v_to]) r;
    v_from := v_to + 1;
  end loop;
end;
$fn$;
`;
}
