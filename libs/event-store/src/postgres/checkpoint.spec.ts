import { LOG_START, compareCheckpoints, encodeCheckpoint, parseCheckpoint } from './checkpoint';

describe('PostgreSQL checkpoints', () => {
  it('encode a transaction id and a position as fixed-width text, and parse back', () => {
    const checkpoint = encodeCheckpoint({ transactionId: '742', globalPosition: '1234' });

    expect(checkpoint).toBe('00000000000000000742:00000000000000001234');
    expect(parseCheckpoint(checkpoint)).toEqual({ transactionId: '742', globalPosition: '1234' });
    expect(parseCheckpoint(encodeCheckpoint(LOG_START))).toEqual(LOG_START);
  });

  it('hold 64-bit values exactly', () => {
    const max = (2n ** 64n - 1n).toString();
    expect(
      parseCheckpoint(encodeCheckpoint({ transactionId: max, globalPosition: '9007199254740993' })),
    ).toEqual({
      transactionId: max,
      globalPosition: '9007199254740993',
    });
    expect(() => encodeCheckpoint({ transactionId: (2n ** 64n).toString(), globalPosition: '1' })).toThrow(
      RangeError,
    );
  });

  it('order by transaction first, then by position, whatever the positions', () => {
    const at = (transactionId: number, globalPosition: number) =>
      encodeCheckpoint({ transactionId: String(transactionId), globalPosition: String(globalPosition) });
    const inLogOrder = [at(9, 1), at(10, 7), at(10, 8), at(11, 2), at(100, 1)];

    expect([...inLogOrder].reverse().sort(compareCheckpoints)).toEqual(inLogOrder);
    expect([...inLogOrder].reverse().sort()).toEqual(inLogOrder);
    expect(compareCheckpoints(at(10, 8), at(10, 8))).toBe(0);
  });

  it.each(['', '1:2', '00000000000000000742', 'esdb:1:2', '00000000000000000742:0000000000000000123x'])(
    'refuses %j with a TypeError',
    (checkpoint) => {
      expect(() => parseCheckpoint(checkpoint)).toThrow(TypeError);
    },
  );
});
