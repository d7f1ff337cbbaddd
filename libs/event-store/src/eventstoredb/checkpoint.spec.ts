import {
  comparePositions,
  decodeCheckpoint,
  encodeCheckpoint,
  isKnownPosition,
  requirePosition,
  toGlobalPosition,
} from './checkpoint';

const U64_MAX = 0xffff_ffff_ffff_ffffn;

describe('checkpoints', () => {
  it('encodes commit and prepare positions in decimal, and decodes them back', () => {
    const position = { commit: 1_234_567n, prepare: 1_234_000n };
    expect(encodeCheckpoint(position)).toBe('esdb:1234567:1234000');
    expect(decodeCheckpoint(encodeCheckpoint(position))).toEqual(position);
  });

  it('round-trips positions beyond the safe integers', () => {
    const position = { commit: U64_MAX - 1n, prepare: 2n ** 60n };
    expect(decodeCheckpoint(encodeCheckpoint(position))).toEqual(position);
  });

  it.each([
    'not a checkpoint',
    '',
    'esdb:1',
    'esdb:1:2:3',
    'esdb:-1:2',
    'esdb:1.5:2',
    ' esdb:1:2',
    `esdb:${U64_MAX}:0`,
    'esdb:123456789012345678901:0',
    // a PostgreSQL store's checkpoint is not one of these
    '0000000000000042:0000000000000042',
  ])('refuses %j with a TypeError', (checkpoint) => {
    expect(() => decodeCheckpoint(checkpoint)).toThrow(TypeError);
  });

  it('refuses what is not a string', () => {
    expect(() => decodeCheckpoint(42)).toThrow(TypeError);
    expect(() => decodeCheckpoint(undefined)).toThrow(TypeError);
  });
});

describe('positions', () => {
  it('orders by commit, then prepare', () => {
    expect(comparePositions({ commit: 1n, prepare: 9n }, { commit: 2n, prepare: 0n })).toBeLessThan(0);
    expect(comparePositions({ commit: 2n, prepare: 1n }, { commit: 2n, prepare: 0n })).toBeGreaterThan(0);
    expect(comparePositions({ commit: 2n, prepare: 2n }, { commit: 2n, prepare: 2n })).toBe(0);
  });

  it('treats a missing position, or the unsigned maximum the server sends for one, as unknown', () => {
    expect(isKnownPosition(undefined)).toBe(false);
    expect(isKnownPosition({ commit: U64_MAX, prepare: U64_MAX })).toBe(false);
    expect(isKnownPosition({ commit: 0n, prepare: 0n })).toBe(true);
    expect(() => requirePosition(undefined, 'event x')).toThrow(/global position of event x/);
    expect(requirePosition({ commit: 5n, prepare: 5n }, 'event x')).toEqual({ commit: 5n, prepare: 5n });
  });

  it('gives the commit position as the global position, while it is a safe integer', () => {
    expect(toGlobalPosition({ commit: 4096n, prepare: 4000n })).toBe(4096);
    expect(() => toGlobalPosition({ commit: 2n ** 53n, prepare: 0n })).toThrow(RangeError);
  });
});
