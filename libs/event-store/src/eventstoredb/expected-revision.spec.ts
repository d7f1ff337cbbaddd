import { ANY, NO_STREAM, STREAM_EXISTS } from '@kurrent/kurrentdb-client';
import {
  meetsExpectedVersion,
  toCurrentVersion,
  toRevision,
  toStreamState,
  toVersion,
} from './expected-revision';

describe('versions (1-based) and revisions (0-based)', () => {
  it('maps the first event: version 1 is revision 0', () => {
    expect(toRevision(1)).toBe(0n);
    expect(toVersion(0n)).toBe(1);
  });

  it('round-trips versions up to the largest safe integer', () => {
    for (const version of [1, 2, 100, Number.MAX_SAFE_INTEGER]) {
      expect(toVersion(toRevision(version))).toBe(version);
    }
  });

  it('refuses revisions without a version on the port', () => {
    expect(() => toVersion(-1n)).toThrow(RangeError);
    expect(() => toVersion(BigInt(Number.MAX_SAFE_INTEGER))).toThrow(RangeError);
  });
});

describe('toStreamState', () => {
  it('maps the named expectations to the client constants', () => {
    expect(toStreamState('any')).toBe(ANY);
    expect(toStreamState('no-stream')).toBe(NO_STREAM);
    expect(toStreamState('stream-exists')).toBe(STREAM_EXISTS);
  });

  it('expects the revision of the last event the writer read', () => {
    // a stream at version 3 holds revisions 0, 1, 2
    expect(toStreamState(3)).toBe(2n);
    expect(toStreamState(1)).toBe(0n);
  });
});

describe('toCurrentVersion', () => {
  it('reads no stream as version 0, and a revision as the version after it', () => {
    expect(toCurrentVersion(NO_STREAM)).toBe(0);
    expect(toCurrentVersion(0n)).toBe(1);
    expect(toCurrentVersion(4n)).toBe(5);
  });
});

describe('meetsExpectedVersion', () => {
  it.each([
    ['any', 0, true],
    ['any', 3, true],
    ['no-stream', 0, true],
    ['no-stream', 1, false],
    ['stream-exists', 0, false],
    ['stream-exists', 2, true],
    [2, 2, true],
    [2, 3, false],
    [1, 0, false],
  ] as const)('expected %j on a stream at version %d: %j', (expected, current, meets) => {
    expect(meetsExpectedVersion(expected, current)).toBe(meets);
  });
});
