import { addAmounts, fromScaled, multiplyAmount, toScaled } from './money';

describe('money', () => {
  it('adds without float rounding', () => {
    expect(addAmounts('0.1', '0.2')).toBe('0.30');
  });
  it('multiplies by a quantity', () => {
    expect(multiplyAmount('19.99', 3)).toBe('59.97');
    expect(multiplyAmount('0.0001', 10_000)).toBe('1.00');
  });
  it('keeps up to four fractional digits', () => {
    expect(fromScaled(toScaled('1.2345'))).toBe('1.2345');
  });
  it('handles sums larger than any single input', () => {
    const big = multiplyAmount('999999999999.9999', 10_000);
    expect(addAmounts(big, '1')).toBe('10000000000000000.00');
  });
  it('refuses something that is not a decimal', () => {
    expect(() => toScaled('1e3')).toThrow(RangeError);
  });
});
