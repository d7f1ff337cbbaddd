import { BACKWARDS, END, FORWARDS, START } from '@kurrent/kurrentdb-client';
import { toReadRange } from '../guards';
import { toKurrentReadStreamOptions } from './read-range';

describe('toKurrentReadStreamOptions', () => {
  it('reads forwards from the first revision by default, without a limit', () => {
    expect(toKurrentReadStreamOptions(toReadRange())).toEqual({ direction: FORWARDS, fromRevision: 0n });
  });

  it('reads backwards from the end by default', () => {
    expect(toKurrentReadStreamOptions(toReadRange({ direction: 'backwards' }))).toEqual({
      direction: BACKWARDS,
      fromRevision: END,
    });
  });

  it('starts at the revision of the version asked for, in either direction', () => {
    expect(toKurrentReadStreamOptions(toReadRange({ fromVersion: 3, maxCount: 2 }))).toEqual({
      direction: FORWARDS,
      fromRevision: 2n,
      maxCount: 2,
    });
    expect(toKurrentReadStreamOptions(toReadRange({ direction: 'backwards', fromVersion: 1 }))).toEqual({
      direction: BACKWARDS,
      fromRevision: 0n,
    });
  });

  it('has nothing to read for maxCount 0', () => {
    expect(toKurrentReadStreamOptions(toReadRange({ maxCount: 0 }))).toBeUndefined();
  });

  it('never reads from START or END when a version is given', () => {
    const options = toKurrentReadStreamOptions(toReadRange({ fromVersion: 1 }));
    expect(options?.fromRevision).not.toBe(START);
    expect(options?.fromRevision).toBe(0n);
  });
});
