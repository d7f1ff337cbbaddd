import { DatabaseError } from 'pg';
import { DuplicateEventIdError, WrongExpectedVersionError } from '../errors';
import type { AppendResult, ExpectedVersion, NewEvent } from '../event-store.port';
import { toAppendCondition } from '../expected-version';
import { toAppendArrays, toSafeInteger } from './row-mapping';
import type { SqlExecutor } from './sql-executor';
import { type AppendRow, type RepeatRow, appendStatement, findRepeatStatement } from './statements';

/** Where a recorded event id makes PostgreSQL refuse a batch. */
const EVENT_ID_CONSTRAINT = 'events_event_id_key';

/**
 * One round trip for a new append. A batch refused because an event id is recorded takes a second
 * one, to tell a repeat of an earlier append (its result is returned) from a reused id (refused).
 * Arguments must have been checked.
 */
export async function appendToStream(
  executor: SqlExecutor,
  schema: string,
  tenantId: string,
  streamName: string,
  events: readonly NewEvent[],
  expectedVersion: ExpectedVersion,
): Promise<AppendResult> {
  const condition = toAppendCondition(expectedVersion);
  const statement = appendStatement(schema, tenantId, streamName, condition, toAppendArrays(events));
  let row: AppendRow | undefined;
  try {
    [row] = (await executor.query<AppendRow>(statement, tenantId)).rows;
  } catch (error) {
    if (!isRecordedEventId(error)) throw error;
    const repeat = findRepeatStatement(schema, tenantId, streamName, condition, eventIds(events));
    const [found] = (await executor.query<RepeatRow>(repeat, tenantId)).rows;
    if (found?.repeated !== true) throw new DuplicateEventIdError(tenantId, streamName, eventIds(events));
    return toAppendResult(found.next_version, found.last_position);
  }
  if (row === undefined) throw new Error('append_to_stream returned no row');
  if (!row.ok) {
    const actual = toSafeInteger(row.actual_version, 'actual_version');
    throw new WrongExpectedVersionError(tenantId, streamName, expectedVersion, actual);
  }
  return toAppendResult(row.next_version ?? row.actual_version, row.last_position ?? 0);
}

const isRecordedEventId = (error: unknown): boolean =>
  error instanceof DatabaseError && error.code === '23505' && error.constraint === EVENT_ID_CONSTRAINT;

const eventIds = (events: readonly NewEvent[]): string[] => events.map((event) => event.eventId);

const toAppendResult = (nextVersion: string | null, lastPosition: string | number | null): AppendResult => ({
  nextExpectedVersion: toSafeInteger(nextVersion ?? 0, 'next_version'),
  lastPosition: toSafeInteger(lastPosition ?? 0, 'last_position'),
});
