import {
  type BackoffPolicy,
  DEFAULT_BACKOFF,
  assertBackoffPolicy,
  backoffCeilingMs,
  retryDelayMs,
} from './backoff';

const policy: BackoffPolicy = { baseMs: 100, capMs: 1_000, maxAttempts: 8 };
const always = (value: number) => () => value;

describe('backoffCeilingMs', () => {
  it('doubles from the base after each failed attempt', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffCeilingMs(attempt, policy))).toEqual([100, 200, 400, 800]);
  });

  it('never exceeds the cap, even for absurd attempt numbers', () => {
    expect([5, 6, 60, 5_000].map((attempt) => backoffCeilingMs(attempt, policy))).toEqual([
      1_000, 1_000, 1_000, 1_000,
    ]);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses attempt %p', (attempt) => {
    expect(() => backoffCeilingMs(attempt, policy)).toThrow(RangeError);
  });
});

describe('retryDelayMs (full jitter)', () => {
  it('is 0 when the draw is 0 and just under the ceiling when the draw is just under 1', () => {
    expect(retryDelayMs(3, policy, always(0))).toBe(0);
    expect(retryDelayMs(3, policy, always(0.999_999))).toBe(399);
  });

  it('scales the draw over [0, ceiling]', () => {
    expect(retryDelayMs(2, policy, always(0.5))).toBe(100);
    expect(retryDelayMs(10, policy, always(0.25))).toBe(250);
  });

  it('stays within [0, ceiling] for many draws, and spreads over the range', () => {
    let seed = 42;
    const lcg = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const attempt of [1, 2, 3, 4, 5, 8]) {
      const ceiling = backoffCeilingMs(attempt, policy);
      const delays = Array.from({ length: 500 }, () => retryDelayMs(attempt, policy, lcg));
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...delays)).toBeLessThanOrEqual(ceiling);
      expect(Math.min(...delays)).toBeLessThan(ceiling * 0.1);
      expect(Math.max(...delays)).toBeGreaterThan(ceiling * 0.9);
    }
  });

  it('refuses a random source that leaves [0, 1]', () => {
    expect(() => retryDelayMs(1, policy, always(1.5))).toThrow(RangeError);
    expect(() => retryDelayMs(1, policy, always(Number.NaN))).toThrow(RangeError);
  });
});

describe('assertBackoffPolicy', () => {
  it('accepts the default', () => {
    expect(assertBackoffPolicy(DEFAULT_BACKOFF)).toBe(DEFAULT_BACKOFF);
  });

  it.each([
    { baseMs: 0, capMs: 10, maxAttempts: 3 },
    { baseMs: 10, capMs: 5, maxAttempts: 3 },
    { baseMs: 10, capMs: 10, maxAttempts: 0 },
    { baseMs: 1.5, capMs: 10, maxAttempts: 3 },
  ])('refuses %j', (bad) => {
    expect(() => assertBackoffPolicy(bad)).toThrow(TypeError);
  });
});
