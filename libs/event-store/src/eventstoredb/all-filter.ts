import { eventTypeFilter, streamNameFilter, type Filter, type Position } from '@kurrent/kurrentdb-client';
import type { GlobalEvent } from '../event-store.port';
import type { CheckedAllFilter } from '../global-log/all-filter';
import { comparePositions } from './checkpoint';
import { TENANT_STREAMS_PREFIX, tenantPrefix } from './stream-names';

// KurrentDB filters `$all` on the server by stream name or by event type, not both, and not by time.
// The tenant (a stream-name prefix) goes to the server when given, as it is the narrowest and the one
// isolation rests on; otherwise the types (as prefixes); otherwise the prefix every tenant stream
// shares. The client then checks everything exactly.

/** An event read from `$all`, with its position in the log. */
export interface LogEntry {
  position: Position;
  event: GlobalEvent;
}

export interface AllReadPlan {
  /** What the server filters. */
  server: Filter;
  /** The exact check, on the client. */
  accepts(entry: LogEntry): boolean;
}

/**
 * How to read what `filter` selects. `hiddenUpTo`: the position of the tenant's last purge; its
 * events at or before it belong to deleted streams that a scavenge has not removed yet.
 */
export function toAllReadPlan(filter: CheckedAllFilter, hiddenUpTo?: Position): AllReadPlan {
  const tenantId = filter.tenantId?.toLowerCase() ?? null;
  const types = filter.types === null ? null : new Set(filter.types);
  const since = filter.since === null ? null : Date.parse(filter.since);

  return {
    server: serverFilter(tenantId, types),
    accepts: ({ position, event }) =>
      (tenantId === null || event.tenantId === tenantId) &&
      (types === null || types.has(event.type)) &&
      (since === null || Date.parse(event.recordedAt) >= since) &&
      (hiddenUpTo === undefined || comparePositions(position, hiddenUpTo) > 0),
  };
}

function serverFilter(tenantId: string | null, types: ReadonlySet<string> | null): Filter {
  if (tenantId !== null) return streamNameFilter({ prefixes: [tenantPrefix(tenantId)] });
  if (types !== null) return eventTypeFilter({ prefixes: [...types] });
  return streamNameFilter({ prefixes: [TENANT_STREAMS_PREFIX] });
}
