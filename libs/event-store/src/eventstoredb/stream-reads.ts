import { FORWARDS, type ResolvedEvent } from '@kurrent/kurrentdb-client';
import type { RecordedEvent } from '../event-store.port';
import type { ReadRange } from '../guards';
import { isAbsentStream } from './errors';
import { toRecordedEvent } from './event-mapping';
import type { KurrentClient } from './kurrent-client';
import { toKurrentReadStreamOptions } from './read-range';
import { toKurrentStreamName } from './stream-names';

/** `range` of a tenant's stream; `[]` when the stream does not exist or a purge deleted it. */
export async function readTenantStream(
  client: KurrentClient,
  tenantId: string,
  streamName: string,
  range: ReadRange,
): Promise<RecordedEvent[]> {
  const options = toKurrentReadStreamOptions(range);
  if (options === undefined) return [];
  const stream = { tenantId: tenantId.toLowerCase(), streamName };
  const events: RecordedEvent[] = [];
  try {
    for await (const { event } of client.readStream(toKurrentStreamName(tenantId, streamName), options)) {
      if (event !== undefined) events.push(toRecordedEvent(event, stream));
    }
  } catch (error) {
    if (isAbsentStream(error)) return [];
    throw error;
  }
  return events;
}

/** The event at `revision` of the KurrentDB stream `name`, if there is one. */
export async function recordAt(
  client: KurrentClient,
  name: string,
  revision: bigint,
): Promise<ResolvedEvent['event']> {
  try {
    for await (const { event } of client.readStream(name, {
      direction: FORWARDS,
      fromRevision: revision,
      maxCount: 1,
    })) {
      return event?.revision === revision ? event : undefined;
    }
  } catch (error) {
    if (isAbsentStream(error)) return undefined;
    throw error;
  }
  return undefined;
}
