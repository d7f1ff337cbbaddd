import {
  ANY,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError as KurrentWrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { DuplicateEventIdError, WrongExpectedVersionError } from '../errors';
import type { ExpectedVersion } from '../event-store.port';
import { toCurrentVersion } from './expected-revision';

// How the client's errors become the port's. Reads of a stream that does not exist, or that a tenant
// purge deleted, are not errors on the port: they read as empty.

/** The stream does not exist, or was deleted (tombstoned): the port reads it as empty. */
export const isAbsentStream = (error: unknown): boolean =>
  error instanceof StreamNotFoundError || error instanceof StreamDeletedError;

/** A tenant purge deleted the stream for good; KurrentDB refuses to write to it again. */
export class StreamPurgedError extends Error {
  override readonly name = 'StreamPurgedError';

  constructor(
    readonly tenantId: string,
    readonly streamName: string,
    options?: ErrorOptions,
  ) {
    super(
      `Stream "${streamName}" of tenant ${tenantId} was deleted by a tenant purge and cannot be written`,
      options,
    );
  }
}

export interface AppendAttempt {
  tenantId: string;
  streamName: string;
  expected: ExpectedVersion;
  eventIds: readonly string[];
}

/**
 * The port's error for a refused append, or `undefined` when the error is not a refusal (then it is
 * rethrown as it is). `repeatsEarlierAppend`: whether the stream already holds the batch's first
 * event where the batch would go. KurrentDB answers "wrong expected version" both to a plain conflict
 * and to a batch that repeats only part of an earlier one; the port tells them apart.
 */
export function toAppendRefusal(
  error: unknown,
  attempt: AppendAttempt,
  repeatsEarlierAppend: boolean,
): Error | undefined {
  const { tenantId, streamName, expected, eventIds } = attempt;
  if (error instanceof StreamDeletedError)
    return new StreamPurgedError(tenantId, streamName, { cause: error });
  if (!(error instanceof KurrentWrongExpectedVersionError)) return undefined;
  const actual = toCurrentVersion(error.actualState);
  if (isPartialRepeat(error, actual, repeatsEarlierAppend)) {
    return new DuplicateEventIdError(tenantId, streamName, eventIds);
  }
  return new WrongExpectedVersionError(tenantId, streamName, expected, actual);
}

function isPartialRepeat(
  error: KurrentWrongExpectedVersionError,
  actual: number,
  repeatsEarlierAppend: boolean,
): boolean {
  // With ANY, or STREAM_EXISTS on a stream that exists, the version cannot be wrong: the server found
  // some of the batch's ids among the stream's recent events, but not all.
  if (error.expectedState === ANY) return true;
  if (error.expectedState === STREAM_EXISTS) return actual > 0;
  return repeatsEarlierAppend;
}

/**
 * The revision at which a refused batch would have started, when the stream has moved past it: the
 * place to look for a partial repeat. `undefined` when there is nothing there to compare.
 */
export function revisionToCompare(error: unknown, expected: ExpectedVersion): bigint | undefined {
  if (!(error instanceof KurrentWrongExpectedVersionError)) return undefined;
  if (expected !== 'no-stream' && typeof expected !== 'number') return undefined;
  const start = expected === 'no-stream' ? 0 : expected;
  return toCurrentVersion(error.actualState) > start ? BigInt(start) : undefined;
}
