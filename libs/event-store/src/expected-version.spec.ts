import { toAppendCondition } from './expected-version';

describe('toAppendCondition', () => {
  it.each(['any', 'no-stream', 'stream-exists'] as const)(
    'maps %s to a mode without a version',
    (expected) => {
      expect(toAppendCondition(expected)).toEqual({ mode: expected, version: null });
    },
  );

  it('maps a number to an exact version', () => {
    expect(toAppendCondition(7)).toEqual({ mode: 'exact', version: 7 });
  });
});
