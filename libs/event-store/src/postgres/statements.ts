import type { QueryConfig } from 'pg';
import type { AppendCondition } from '../expected-version';
import type { ReadRange } from '../guards';
import { type AppendArrays, EVENT_COLUMNS } from './row-mapping';

// Parameterized, named (prepared once per connection) statements. Names embed the schema, so stores
// on different schemas can share one pool.

/** The single row `append_to_stream` returns; bigint columns arrive as strings. */
export interface AppendRow {
  ok: boolean;
  actual_version: string;
  next_version: string | null;
  last_position: string | null;
}

export function appendStatement(
  schema: string,
  tenantId: string,
  streamName: string,
  condition: AppendCondition,
  events: AppendArrays,
): QueryConfig {
  return {
    name: `es_append_${schema}`,
    text:
      `select ok, actual_version, next_version, last_position from "${schema}".append_to_stream(` +
      '$1::uuid, $2::text, $3::text, $4::bigint, $5::uuid[], $6::text[], $7::jsonb[], $8::jsonb[], $9::int[])',
    values: [
      tenantId,
      streamName,
      condition.mode,
      condition.version,
      events.ids,
      events.types,
      events.data,
      events.metadata,
      events.schemaVersions,
    ],
  };
}

export function readStreamStatement(
  schema: string,
  tenantId: string,
  streamName: string,
  range: ReadRange,
): QueryConfig {
  if (range.direction === 'backwards') {
    return {
      name: `es_read_back_${schema}`,
      text:
        `select ${EVENT_COLUMNS} from "${schema}".events ` +
        'where tenant_id = $1::uuid and stream_name = $2::text ' +
        // without a start version: from the last one (the largest bigint bounds nothing)
        'and stream_version <= coalesce($3::bigint, 9223372036854775807) ' +
        'order by stream_version desc limit $4::bigint',
      values: [tenantId, streamName, range.fromVersion, range.maxCount],
    };
  }
  return {
    name: `es_read_stream_${schema}`,
    text:
      `select ${EVENT_COLUMNS} from "${schema}".events ` +
      'where tenant_id = $1::uuid and stream_name = $2::text and stream_version >= $3::bigint ' +
      'order by stream_version limit $4::bigint',
    values: [tenantId, streamName, range.fromVersion ?? 1, range.maxCount],
  };
}

/** The row `find_repeat` returns; bigint columns arrive as strings. */
export interface RepeatRow {
  repeated: boolean;
  next_version: string | null;
  last_position: string | null;
}

/** Whether `eventIds` are already the stream's events where this append would have put them. */
export function findRepeatStatement(
  schema: string,
  tenantId: string,
  streamName: string,
  condition: AppendCondition,
  eventIds: readonly string[],
): QueryConfig {
  return {
    name: `es_repeat_${schema}`,
    text:
      `select repeated, next_version, last_position from "${schema}".find_repeat(` +
      '$1::uuid, $2::text, $3::text, $4::bigint, $5::uuid[])',
    values: [tenantId, streamName, condition.mode, condition.version, eventIds],
  };
}
