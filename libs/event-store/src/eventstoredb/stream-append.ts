import type { AppendResult, ExpectedVersion, NewEvent } from '../event-store.port';
import { WrongExpectedVersionError } from '../errors';
import { toReadRange } from '../guards';
import { isKnownPosition, requirePosition, toGlobalPosition } from './checkpoint';
import { revisionToCompare, toAppendRefusal } from './errors';
import { toEventData } from './event-mapping';
import { meetsExpectedVersion, toStreamState, toVersion } from './expected-revision';
import type { KurrentClient } from './kurrent-client';
import { readTenantStream, recordAt } from './stream-reads';
import { toKurrentStreamName } from './stream-names';

export interface TenantAppend {
  tenantId: string;
  streamName: string;
  events: readonly NewEvent[];
  expectedVersion: ExpectedVersion;
}

/** Appends checked events to a tenant's stream, with the port's results and errors. */
export async function appendToTenantStream(
  client: KurrentClient,
  append: TenantAppend,
): Promise<AppendResult> {
  const { tenantId, streamName, events, expectedVersion } = append;
  if (events.length === 0) return checkVersionOnly(client, append);
  const name = toKurrentStreamName(tenantId, streamName);
  let result;
  try {
    result = await client.appendToStream(name, events.map(toEventData), {
      streamState: toStreamState(expectedVersion),
    });
  } catch (error) {
    throw (await toRefusal(client, name, append, error)) ?? error;
  }
  if (!result.success) throw new Error(`the append to stream "${name}" was not acknowledged`);
  // A repeated append (the same ids where they were first written) answers with the first append's
  // revision and position; a server that no longer knows that position leaves it out.
  const position = isKnownPosition(result.position)
    ? result.position
    : requirePosition(
        (await recordAt(client, name, result.nextExpectedRevision))?.position,
        `the last event appended to stream "${name}"`,
      );
  return {
    nextExpectedVersion: toVersion(result.nextExpectedRevision),
    lastPosition: toGlobalPosition(position),
  };
}

/** An append of no events writes nothing, but still checks the expected version. */
async function checkVersionOnly(client: KurrentClient, append: TenantAppend): Promise<AppendResult> {
  const { tenantId, streamName, expectedVersion } = append;
  const range = toReadRange({ direction: 'backwards', maxCount: 1 });
  const [last] = await readTenantStream(client, tenantId, streamName, range);
  const current = last?.streamVersion ?? 0;
  if (!meetsExpectedVersion(expectedVersion, current)) {
    throw new WrongExpectedVersionError(tenantId, streamName, expectedVersion, current);
  }
  return { nextExpectedVersion: current, lastPosition: last?.globalPosition ?? 0 };
}

async function toRefusal(
  client: KurrentClient,
  name: string,
  append: TenantAppend,
  error: unknown,
): Promise<Error | undefined> {
  const { tenantId, streamName, events, expectedVersion } = append;
  // Does the stream hold the batch's first event where the batch would start? Only a hint: if the
  // read fails, the append is still refused, as a plain version conflict.
  const revision = revisionToCompare(error, expectedVersion);
  const found =
    revision === undefined ? undefined : await recordAt(client, name, revision).catch(() => undefined);
  const repeats = found !== undefined && found.id.toLowerCase() === events[0]?.eventId.toLowerCase();
  const eventIds = events.map((event) => event.eventId);
  return toAppendRefusal(error, { tenantId, streamName, expected: expectedVersion, eventIds }, repeats);
}
