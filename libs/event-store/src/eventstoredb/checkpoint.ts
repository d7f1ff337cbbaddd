import type { Position } from '@kurrent/kurrentdb-client';
import type { Checkpoint } from '../event-store.port';

// A position in KurrentDB's global log is a pair of byte offsets in its transaction file, ordered by
// commit then prepare. Events appended through the gRPC API commit themselves, so both offsets are
// the event's own offset; both are kept anyway, as `$all` reads require them.

/** The largest unsigned 64-bit value: what the server sends when it does not know a position. */
const UNKNOWN = 0xffff_ffff_ffff_ffffn;

const CHECKPOINT = /^esdb:(\d{1,20}):(\d{1,20})$/;

/** `esdb:<commit>:<prepare>`, both in decimal. */
export const encodeCheckpoint = ({ commit, prepare }: Position): Checkpoint => `esdb:${commit}:${prepare}`;

/** The position a checkpoint from {@link encodeCheckpoint} stands for; a TypeError for anything else. */
export function decodeCheckpoint(checkpoint: unknown): Position {
  const match = typeof checkpoint === 'string' ? CHECKPOINT.exec(checkpoint) : null;
  const [commit, prepare] = [match?.[1], match?.[2]].map((digits) =>
    digits === undefined ? undefined : BigInt(digits),
  );
  if (commit === undefined || prepare === undefined || commit >= UNKNOWN || prepare >= UNKNOWN) {
    throw new TypeError(
      `checkpoint must be an EventStoreDB checkpoint (esdb:<commit>:<prepare>); got ${JSON.stringify(checkpoint)}`,
    );
  }
  return { commit, prepare };
}

/** Negative when `a` comes before `b` in the global log, 0 when they are the same position. */
export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** Whether the server reported the position (it sends none, or the unknown value, for some reads). */
export const isKnownPosition = (position: Position | undefined): position is Position =>
  position !== undefined && position.commit < UNKNOWN && position.prepare < UNKNOWN;

/** The event's position, or an error naming what the server left out. */
export function requirePosition(position: Position | undefined, what: string): Position {
  if (!isKnownPosition(position)) {
    throw new Error(
      `the server did not report the global position of ${what}; EventStoreDB 22.10 or later is required`,
    );
  }
  return position;
}

/** The port's `globalPosition`: the commit offset, which orders the global log. */
export function toGlobalPosition(position: Position): number {
  if (position.commit > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`commit position ${position.commit} is not a safe integer`);
  }
  return Number(position.commit);
}
