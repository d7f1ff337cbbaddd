import { isUuid } from '@platform/contracts';
import type { Direction, ExpectedVersion, NewEvent, ReadStreamOptions } from './event-store.port';

// Argument checks shared by every adapter, run before the store is touched. Each throws a TypeError.

const isPositiveInteger = (value: unknown): value is number =>
  Number.isSafeInteger(value) && Number(value) >= 1;

export function assertTenantId(tenantId: unknown): asserts tenantId is string {
  if (!isUuid(tenantId)) throw new TypeError(`tenantId must be a UUID; got ${JSON.stringify(tenantId)}`);
}

export function assertStreamName(streamName: unknown): asserts streamName is string {
  if (typeof streamName !== 'string' || streamName.trim() === '') {
    throw new TypeError(`streamName must be a non-empty string; got ${JSON.stringify(streamName)}`);
  }
}

export function assertExpectedVersion(expected: unknown): asserts expected is ExpectedVersion {
  if (expected === 'any' || expected === 'no-stream' || expected === 'stream-exists') return;
  if (isPositiveInteger(expected)) return;
  throw new TypeError(
    `expectedVersion must be 'any', 'no-stream', 'stream-exists' or an integer >= 1 ` +
      `(use 'no-stream' for an empty stream); got ${JSON.stringify(expected)}`,
  );
}

/** Checks each event, that the batch has no duplicate ids, and that every event belongs to `tenantId`. */
export function assertNewEvents(tenantId: string, events: readonly NewEvent[]): void {
  const list: unknown = events; // narrowing the readonly array itself would widen it to any[]
  if (!Array.isArray(list)) throw new TypeError('events must be an array');
  const ids = new Set<string>();
  events.forEach((event, index) => {
    const where = `events[${index}]`;
    if (!isUuid(event.eventId)) throw new TypeError(`${where}.eventId must be a UUID`);
    const id = event.eventId.toLowerCase();
    if (ids.has(id)) throw new TypeError(`${where}.eventId ${id} appears twice in the batch`);
    ids.add(id);
    if (typeof event.type !== 'string' || event.type === '') {
      throw new TypeError(`${where}.type must be a non-empty string`);
    }
    if (!isPositiveInteger(event.schemaVersion)) {
      throw new TypeError(`${where}.schemaVersion must be an integer >= 1`);
    }
    if (typeof event.metadata !== 'object' || event.metadata === null) {
      throw new TypeError(`${where}.metadata must be an object`);
    }
    if (String(event.metadata.tenantId).toLowerCase() !== tenantId.toLowerCase()) {
      throw new TypeError(`${where}.metadata.tenantId does not match the stream's tenant ${tenantId}`);
    }
  });
}

export interface ReadRange {
  direction: Direction;
  /** First version to return (inclusive); `null`: the stream's last version (backwards only). */
  fromVersion: number | null;
  /** `null`: no limit. */
  maxCount: number | null;
}

export function toReadRange(options: ReadStreamOptions = {}): ReadRange {
  const { direction = 'forwards', fromVersion, maxCount } = options;
  if (direction !== 'forwards' && direction !== 'backwards') {
    throw new TypeError(`direction must be 'forwards' or 'backwards'; got ${JSON.stringify(direction)}`);
  }
  if (fromVersion !== undefined && !isPositiveInteger(fromVersion))
    throw new TypeError(`fromVersion must be an integer >= 1; got ${String(fromVersion)}`);
  assertMaxCount(maxCount);
  return {
    direction,
    fromVersion: fromVersion ?? (direction === 'forwards' ? 1 : null),
    maxCount: maxCount ?? null,
  };
}

export function assertMaxCount(maxCount: number | undefined): void {
  if (maxCount !== undefined && !(Number.isSafeInteger(maxCount) && maxCount >= 0)) {
    throw new TypeError(`maxCount must be an integer >= 0; got ${String(maxCount)}`);
  }
}
