import { BACKWARDS, END, START, type AllStreamResolvedEvent, type Position } from '@kurrent/kurrentdb-client';
import type { AllReadPlan, LogEntry } from './all-filter';
import { comparePositions, encodeCheckpoint, requirePosition } from './checkpoint';
import { toRecordedEvent } from './event-mapping';
import type { KurrentClient } from './kurrent-client';
import { parseKurrentStreamName } from './stream-names';

// Reading KurrentDB's global log (`$all`) as the port's global events.

/**
 * The port's event for a record of `$all`; `undefined` for what is not a tenant's event: system
 * events (types starting with `$`, such as the record a tombstone leaves) and streams of other
 * applications sharing the database.
 */
export function toLogEntry(resolved: AllStreamResolvedEvent): LogEntry | undefined {
  const record = resolved.event;
  if (record === undefined || record.type.startsWith('$')) return undefined;
  const stream = parseKurrentStreamName(record.streamId);
  if (stream === undefined) return undefined;
  const position = requirePosition(record.position, `event ${record.id} of stream "${record.streamId}"`);
  const event = { ...toRecordedEvent(record, stream), checkpoint: encodeCheckpoint(position) };
  return { position, event };
}

export interface LogReadOptions {
  /** Read after this position (exclusive); default: from the start. */
  after?: Position;
  plan: AllReadPlan;
  /** Stop after this many accepted entries; default: read to the end of the log. */
  maxCount?: number;
}

/** The accepted entries of `$all` after `after`, in log order, up to the end of the log. */
export async function* readLog(client: KurrentClient, options: LogReadOptions): AsyncGenerator<LogEntry> {
  const { after, plan, maxCount = Number.POSITIVE_INFINITY } = options;
  if (maxCount <= 0) return;
  let delivered = 0;
  // A read from a position includes the event at that position: skip it (and anything before it).
  for await (const resolved of client.readAll({ fromPosition: after ?? START, filter: plan.server })) {
    const entry = toLogEntry(resolved);
    if (entry === undefined || !isAfter(entry.position, after) || !plan.accepts(entry)) continue;
    yield entry;
    delivered += 1;
    if (delivered >= maxCount) return;
  }
}

export const isAfter = (position: Position, after: Position | undefined): boolean =>
  after === undefined || comparePositions(position, after) > 0;

/** The position of the last record of `$all`, whatever it is; `undefined` when the log is empty. */
export async function lastLogPosition(client: KurrentClient): Promise<Position | undefined> {
  for await (const resolved of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) {
    return resolved.event?.position;
  }
  return undefined;
}

/** The later of two positions, either of which may be missing. */
export function laterOf(a: Position | undefined, b: Position | undefined): Position | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return comparePositions(a, b) >= 0 ? a : b;
}
