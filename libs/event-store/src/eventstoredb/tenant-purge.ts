import { randomUUID } from 'node:crypto';
import {
  ANY,
  BACKWARDS,
  END,
  StreamDeletedError,
  streamNameFilter,
  type Position,
} from '@kurrent/kurrentdb-client';
import type { PurgeResult } from '../event-store.port';
import { requirePosition } from './checkpoint';
import { isAbsentStream } from './errors';
import type { KurrentClient } from './kurrent-client';
import { purgeMarkerStreamName, tenantPrefix } from './stream-names';

// A tenant purge tombstones (hard-deletes) every stream under the tenant's prefix, found through a
// filtered read of `$all`. KurrentDB removes the events from disk at its next scavenge; until then
// `$all` still returns them, so the purge ends by appending a marker to the tenant's purge stream,
// and reads of the tenant's events skip everything at or before the last marker.

const PURGE_MARKER_TYPE = 'TenantPurged';

/** Every stream of the tenant still holding events in `$all`, with how many. */
async function tenantStreams(client: KurrentClient, tenantId: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const filter = streamNameFilter({ prefixes: [tenantPrefix(tenantId)] });
  for await (const { event } of client.readAll({ filter })) {
    if (event === undefined || event.type.startsWith('$')) continue;
    counts.set(event.streamId, (counts.get(event.streamId) ?? 0) + 1);
  }
  return counts;
}

/**
 * Deletes every stream of `tenantId` (a checked UUID). Streams deleted by an earlier purge are not
 * counted again. The tenant must be quiescent: a stream created while the purge runs may survive it.
 */
export async function purgeTenantStreams(
  client: KurrentClient,
  tenantId: string,
  now: () => Date,
): Promise<PurgeResult> {
  const result: PurgeResult = { streams: 0, events: 0 };
  for (const [streamName, events] of await tenantStreams(client, tenantId)) {
    try {
      await client.tombstoneStream(streamName);
    } catch (error) {
      if (error instanceof StreamDeletedError) continue;
      throw error;
    }
    result.streams += 1;
    result.events += events;
  }
  await client.appendToStream(
    purgeMarkerStreamName(tenantId),
    [
      {
        id: randomUUID(),
        contentType: 'application/json',
        type: PURGE_MARKER_TYPE,
        data: { ...result, purgedAt: now().toISOString() },
        metadata: undefined,
      },
    ],
    { streamState: ANY },
  );
  return result;
}

/** The position of the tenant's last purge marker; `undefined` when the tenant was never purged. */
export async function lastPurgePosition(
  client: KurrentClient,
  tenantId: string,
): Promise<Position | undefined> {
  const stream = purgeMarkerStreamName(tenantId);
  try {
    for await (const { event } of client.readStream(stream, {
      direction: BACKWARDS,
      fromRevision: END,
      maxCount: 1,
    })) {
      return event && requirePosition(event.position, `the last purge of tenant ${tenantId}`);
    }
  } catch (error) {
    if (isAbsentStream(error)) return undefined;
    throw error;
  }
  return undefined;
}
