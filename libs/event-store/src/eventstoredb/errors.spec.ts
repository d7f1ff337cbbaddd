import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError as KurrentWrongExpectedVersionError,
  type AppendStreamState,
  type CurrentStreamState,
} from '@kurrent/kurrentdb-client';
import { DuplicateEventIdError, WrongExpectedVersionError } from '../errors';
import type { ExpectedVersion } from '../event-store.port';
import { isAbsentStream, revisionToCompare, StreamPurgedError, toAppendRefusal } from './errors';

const tenantId = '0b5c7a36-1c4e-4f4e-9a57-6c1b8f0d2e11';
const refused = (expected: AppendStreamState, current: CurrentStreamState) =>
  new KurrentWrongExpectedVersionError(undefined, { streamName: 't_x.order-1', expected, current });
const attempt = (expected: ExpectedVersion) => ({
  tenantId,
  streamName: 'order-1',
  expected,
  eventIds: ['e1', 'e2'],
});

describe('toAppendRefusal', () => {
  it("maps a wrong expected revision to the port's error, in versions", () => {
    const error = toAppendRefusal(refused(1n, 3n), attempt(2), false);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ tenantId, streamName: 'order-1', expected: 2, actual: 4 });
  });

  it('reports a missing stream as version 0', () => {
    expect(toAppendRefusal(refused(STREAM_EXISTS, NO_STREAM), attempt('stream-exists'), false)).toMatchObject(
      {
        expected: 'stream-exists',
        actual: 0,
      },
    );
    expect(toAppendRefusal(refused(0n, NO_STREAM), attempt(1), false)).toMatchObject({ actual: 0 });
  });

  it('reports a batch that repeats only its first events as duplicate ids', () => {
    expect(toAppendRefusal(refused(NO_STREAM, 0n), attempt('no-stream'), true)).toBeInstanceOf(
      DuplicateEventIdError,
    );
    expect(toAppendRefusal(refused(NO_STREAM, 0n), attempt('no-stream'), true)).toMatchObject({
      eventIds: ['e1', 'e2'],
    });
    expect(toAppendRefusal(refused(NO_STREAM, 0n), attempt('no-stream'), false)).toBeInstanceOf(
      WrongExpectedVersionError,
    );
  });

  it('reads a refusal of ANY, or of STREAM_EXISTS on an existing stream, as duplicate ids', () => {
    // these cannot fail on the version: the server found part of the batch among recent events
    expect(toAppendRefusal(refused(ANY, 4n), attempt('any'), false)).toBeInstanceOf(DuplicateEventIdError);
    expect(toAppendRefusal(refused(STREAM_EXISTS, 4n), attempt('stream-exists'), false)).toBeInstanceOf(
      DuplicateEventIdError,
    );
  });

  it('reports a write to a purged (tombstoned) stream as such', () => {
    const error = toAppendRefusal(StreamDeletedError.fromStreamName('t_x.order-1'), attempt('any'), false);
    expect(error).toBeInstanceOf(StreamPurgedError);
    expect(error?.message).toContain(`"order-1" of tenant ${tenantId}`);
  });

  it('leaves other errors to be rethrown as they are', () => {
    expect(toAppendRefusal(new UnavailableError(), attempt(1), false)).toBeUndefined();
    expect(toAppendRefusal(new Error('boom'), attempt(1), false)).toBeUndefined();
  });
});

describe('revisionToCompare', () => {
  it('points at where the batch would have started, when the stream has an event there', () => {
    expect(revisionToCompare(refused(NO_STREAM, 0n), 'no-stream')).toBe(0n);
    expect(revisionToCompare(refused(1n, 4n), 2)).toBe(2n);
  });

  it('has nothing to compare when the stream has not reached that revision, or for other refusals', () => {
    expect(revisionToCompare(refused(2n, 1n), 3)).toBeUndefined();
    expect(revisionToCompare(refused(ANY, 1n), 'any')).toBeUndefined();
    expect(revisionToCompare(refused(STREAM_EXISTS, 1n), 'stream-exists')).toBeUndefined();
    expect(revisionToCompare(new Error('boom'), 1)).toBeUndefined();
  });
});

describe('isAbsentStream', () => {
  it('is true for a missing or a deleted stream only', () => {
    expect(isAbsentStream(new StreamNotFoundError(undefined, 's'))).toBe(true);
    expect(isAbsentStream(StreamDeletedError.fromStreamName('s'))).toBe(true);
    expect(isAbsentStream(new UnavailableError())).toBe(false);
  });
});
