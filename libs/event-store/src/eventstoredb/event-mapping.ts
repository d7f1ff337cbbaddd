import type {
  EventData,
  JSONType,
  Position,
  RecordedEvent as KurrentRecordedEvent,
} from '@kurrent/kurrentdb-client';
import type { EventMetadata, NewEvent, RecordedEvent } from '../event-store.port';
import { requirePosition, toGlobalPosition } from './checkpoint';
import { toVersion } from './expected-revision';
import type { TenantStream } from './stream-names';

// An event is stored as a JSON event: its type, its data as JSON, and a metadata JSON object holding
// the port's metadata plus the schema version. The correlation and causation ids are also written
// under `$correlationId` / `$causationId`, the names KurrentDB's own projections and UI read.

/** Keys the adapter adds to the metadata JSON; a producer's metadata must not use them. */
const RESERVED_METADATA_KEYS = ['schemaVersion', '$correlationId', '$causationId'] as const;
const REQUIRED_METADATA_KEYS = ['tenantId', 'correlationId', 'causationId', 'actor', 'occurredAt'] as const;
const OPTIONAL_METADATA_KEYS = ['traceparent', 'tracestate'] as const;

export function toEventData(event: NewEvent, index: number): EventData {
  const reserved = RESERVED_METADATA_KEYS.filter((key) => key in event.metadata);
  if (reserved.length > 0) {
    throw new TypeError(`events[${index}].metadata must not set ${reserved.join(', ')}: the store sets them`);
  }
  const metadata = {
    ...event.metadata,
    schemaVersion: event.schemaVersion,
    $correlationId: event.metadata.correlationId,
    $causationId: event.metadata.causationId,
  };
  assertJson(metadata, `events[${index}].metadata`);
  return {
    id: event.eventId,
    contentType: 'application/json',
    type: event.type,
    data: toJsonData(event.data, `events[${index}].data`),
    metadata,
  };
}

/**
 * The client types JSON data as an object, array or string, but writes any value through
 * `JSON.stringify` and reads it back with `JSON.parse`: null, numbers and booleans round-trip too.
 */
function toJsonData(value: unknown, what: string): JSONType {
  assertJson(value, what);
  return value as JSONType;
}

function assertJson(value: unknown, what: string): void {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new TypeError(`${what} must be JSON-serialisable`, { cause: error });
  }
  if (json === undefined) throw new TypeError(`${what} must be JSON-serialisable`);
}

/** The port's view of an event read from one of `stream`'s KurrentDB streams. */
export function toRecordedEvent(record: KurrentRecordedEvent, stream: TenantStream): RecordedEvent {
  const what = `event ${record.id} of stream "${record.streamId}"`;
  if (!record.isJson) throw new TypeError(`${what} is not a JSON event`);
  const position: Position = requirePosition(record.position, what);
  const { schemaVersion, metadata } = fromStoredMetadata(record.metadata, what);
  return {
    eventId: record.id,
    type: record.type,
    data: record.data,
    schemaVersion,
    metadata,
    tenantId: stream.tenantId,
    streamName: stream.streamName,
    streamVersion: toVersion(record.revision),
    globalPosition: toGlobalPosition(position),
    recordedAt: record.created.toISOString(),
  };
}

/** Splits the stored metadata JSON into the schema version and the port's metadata (extra keys kept). */
export function fromStoredMetadata(
  stored: unknown,
  what: string,
): { schemaVersion: number; metadata: EventMetadata } {
  if (
    typeof stored !== 'object' ||
    stored === null ||
    Array.isArray(stored) ||
    stored instanceof Uint8Array
  ) {
    throw new TypeError(`${what} has no metadata object`);
  }
  const {
    schemaVersion,
    $correlationId: _correlation,
    $causationId: _causation,
    ...rest
  } = {
    ...stored,
  } as Record<string, unknown>;
  if (!Number.isSafeInteger(schemaVersion) || Number(schemaVersion) < 1) {
    throw new TypeError(`${what} has no valid schemaVersion in its metadata`);
  }
  const problems = [
    ...REQUIRED_METADATA_KEYS.filter((key) => typeof rest[key] !== 'string'),
    ...OPTIONAL_METADATA_KEYS.filter((key) => key in rest && typeof rest[key] !== 'string'),
  ];
  if (!isEventMetadata(rest, problems)) {
    throw new TypeError(`${what} has invalid metadata fields: ${problems.join(', ')}`);
  }
  return { schemaVersion: Number(schemaVersion), metadata: rest };
}

const isEventMetadata = (
  record: Record<string, unknown>,
  problems: readonly string[],
): record is Record<string, unknown> & EventMetadata => problems.length === 0;
