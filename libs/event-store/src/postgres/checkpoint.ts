import type { Checkpoint } from '../event-store.port';

// A PostgreSQL checkpoint is the (transaction id, global position) pair of an event: the order of
// the global log (ADR 0005). Encoded as two zero-padded 20-digit numbers (both are unsigned 64-bit
// at most), so that text order is log order: "00000000000000000742:00000000000000001234".

/** A position in the global log; both parts are decimal text (xid8 and bigint exceed 2^53). */
export interface LogPosition {
  transactionId: string;
  globalPosition: string;
}

/** Before every event: transaction ids start at 3 and positions at 1. */
export const LOG_START: LogPosition = { transactionId: '0', globalPosition: '0' };

const DIGITS = 20;
const CHECKPOINT = /^(\d{20}):(\d{20})$/;
const MAX_UINT64 = 2n ** 64n - 1n;

export function encodeCheckpoint(position: LogPosition): Checkpoint {
  return `${padded(position.transactionId)}:${padded(position.globalPosition)}`;
}

/** The position a checkpoint encodes; a TypeError for anything this adapter did not produce. */
export function parseCheckpoint(checkpoint: Checkpoint): LogPosition {
  const match = typeof checkpoint === 'string' ? CHECKPOINT.exec(checkpoint) : null;
  if (match?.[1] === undefined || match[2] === undefined) {
    throw new TypeError(
      `not a PostgreSQL event store checkpoint: ${JSON.stringify(checkpoint)} ` +
        '(expected "<transaction id>:<global position>", 20 digits each)',
    );
  }
  return { transactionId: BigInt(match[1]).toString(), globalPosition: BigInt(match[2]).toString() };
}

/** Negative, zero or positive as `a` is before, at or after `b` in the global log. */
export function compareCheckpoints(a: Checkpoint, b: Checkpoint): number {
  const [left, right] = [encodeCheckpoint(parseCheckpoint(a)), encodeCheckpoint(parseCheckpoint(b))];
  return left < right ? -1 : left > right ? 1 : 0;
}

function padded(decimal: string): string {
  if (!/^\d+$/.test(decimal) || BigInt(decimal) > MAX_UINT64) {
    throw new RangeError(`log position part ${JSON.stringify(decimal)} is not an unsigned 64-bit integer`);
  }
  return BigInt(decimal).toString().padStart(DIGITS, '0');
}
