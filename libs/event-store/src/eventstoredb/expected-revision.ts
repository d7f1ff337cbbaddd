import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  type AppendStreamState,
  type CurrentStreamState,
} from '@kurrent/kurrentdb-client';
import type { ExpectedVersion } from '../event-store.port';

// The port counts a stream's events from 1 (a stream's version is its number of events, 0 when it
// does not exist); KurrentDB numbers them from 0 (a stream's revision is the number of its last event).
// Every conversion between the two goes through this file.

/** The revision of the event at `version`. */
export const toRevision = (version: number): bigint => BigInt(version) - 1n;

/** The version of the event at `revision`. */
export function toVersion(revision: bigint): number {
  const version = revision + 1n;
  if (version < 1n || version > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`stream revision ${revision} has no version on the port`);
  }
  return Number(version);
}

/** The condition KurrentDB checks for an append with `expected`. */
export function toStreamState(expected: ExpectedVersion): AppendStreamState {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no-stream':
      return NO_STREAM;
    case 'stream-exists':
      return STREAM_EXISTS;
    default:
      // the version the writer read is the revision of the stream's last event plus one
      return toRevision(expected);
  }
}

/** The version of a stream in the state KurrentDB reports after a refused append; 0 when it has none. */
export const toCurrentVersion = (state: CurrentStreamState): number =>
  state === NO_STREAM ? 0 : toVersion(state);

/** Whether a stream at `currentVersion` (0: it does not exist) meets `expected`. */
export function meetsExpectedVersion(expected: ExpectedVersion, currentVersion: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no-stream':
      return currentVersion === 0;
    case 'stream-exists':
      return currentVersion > 0;
    default:
      return currentVersion === expected;
  }
}
