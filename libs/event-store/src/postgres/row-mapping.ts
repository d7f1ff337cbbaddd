import type { EventMetadata, NewEvent, RecordedEvent } from '../event-store.port';

/** A row of `events` as `pg` returns it: bigint as string, jsonb parsed, timestamptz as Date. */
export interface EventRow {
  global_position: string | number;
  tenant_id: string;
  stream_name: string;
  stream_version: string | number;
  event_id: string;
  event_type: string;
  data: unknown;
  metadata: unknown;
  schema_version: number;
  recorded_at: Date | string;
}

/** The columns {@link toRecordedEvent} reads, in the order of {@link EventRow}. */
export const EVENT_COLUMNS =
  'global_position, tenant_id, stream_name, stream_version, event_id, event_type, data, metadata, ' +
  'schema_version, recorded_at';

/** The event arrays passed to `append_to_stream`, one element per event, in order. */
export interface AppendArrays {
  ids: string[];
  types: string[];
  /** JSON text, cast to jsonb by PostgreSQL. */
  data: string[];
  metadata: string[];
  schemaVersions: number[];
}

/** Converts a bigint column to a number, refusing values JavaScript cannot represent exactly. */
export function toSafeInteger(value: string | number, column: string): number {
  const result = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(result)) throw new RangeError(`${column} ${String(value)} is not a safe integer`);
  return result;
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    tenantId: row.tenant_id,
    streamName: row.stream_name,
    streamVersion: toSafeInteger(row.stream_version, 'stream_version'),
    globalPosition: toSafeInteger(row.global_position, 'global_position'),
    eventId: row.event_id,
    type: row.event_type,
    data: row.data,
    schemaVersion: row.schema_version,
    metadata: toEventMetadata(row.metadata),
    recordedAt: new Date(row.recorded_at).toISOString(),
  };
}

const REQUIRED_METADATA = ['tenantId', 'correlationId', 'causationId', 'actor', 'occurredAt'] as const;
const OPTIONAL_METADATA = ['traceparent', 'tracestate'] as const;

/** Checks the stored metadata has the shape of {@link EventMetadata}; keeps any extra keys. */
export function toEventMetadata(value: unknown): EventMetadata {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError('stored event metadata is not an object');
  }
  const record: Record<string, unknown> = { ...value };
  if (!isEventMetadata(record)) {
    throw new TypeError(`stored event metadata has invalid fields: ${metadataProblems(record).join(', ')}`);
  }
  return record;
}

const isEventMetadata = (
  record: Record<string, unknown>,
): record is Record<string, unknown> & EventMetadata => metadataProblems(record).length === 0;

const metadataProblems = (record: Record<string, unknown>): string[] => [
  ...REQUIRED_METADATA.filter((key) => typeof record[key] !== 'string'),
  ...OPTIONAL_METADATA.filter((key) => key in record && typeof record[key] !== 'string'),
];

export function toAppendArrays(events: readonly NewEvent[]): AppendArrays {
  const arrays: AppendArrays = { ids: [], types: [], data: [], metadata: [], schemaVersions: [] };
  events.forEach((event, index) => {
    arrays.ids.push(event.eventId);
    arrays.types.push(event.type);
    arrays.data.push(toJson(event.data, `events[${index}].data`));
    arrays.metadata.push(toJson(event.metadata, `events[${index}].metadata`));
    arrays.schemaVersions.push(event.schemaVersion);
  });
  return arrays;
}

function toJson(value: unknown, what: string): string {
  const json: string | undefined = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`${what} must be JSON-serialisable`);
  return json;
}
