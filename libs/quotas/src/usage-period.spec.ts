import { monthlyPeriodOf, secondsUntilReset } from './usage-period';

describe('monthlyPeriodOf', () => {
  it.each([
    ['2026-01-01T00:00:00.000Z', '2026-01-01', '2026-02-01T00:00:00.000Z'],
    ['2026-01-31T23:59:59.999Z', '2026-01-01', '2026-02-01T00:00:00.000Z'],
    ['2026-02-15T12:00:00.000Z', '2026-02-01', '2026-03-01T00:00:00.000Z'],
    ['2026-12-31T23:00:00.000Z', '2026-12-01', '2027-01-01T00:00:00.000Z'],
    ['2028-02-29T08:00:00.000Z', '2028-02-01', '2028-03-01T00:00:00.000Z'],
    ['0042-07-04T00:00:00.000Z', '0042-07-01', '0042-08-01T00:00:00.000Z'],
  ])('puts %s in the UTC month starting %s', (at, start, resetsAt) => {
    const period = monthlyPeriodOf(new Date(at));

    expect(period.start).toBe(start);
    expect(period.resetsAt.toISOString()).toBe(resetsAt);
  });

  it('uses UTC, not the local month, for an instant given with an offset', () => {
    expect(monthlyPeriodOf(new Date('2026-03-01T00:30:00+02:00')).start).toBe('2026-02-01');
  });

  it('refuses an invalid date', () => {
    expect(() => monthlyPeriodOf(new Date('not a date'))).toThrow(TypeError);
  });
});

describe('secondsUntilReset', () => {
  it('counts the whole seconds left in the UTC month', () => {
    expect(secondsUntilReset(new Date('2026-01-31T23:59:00.000Z'))).toBe(60);
    expect(secondsUntilReset(new Date('2026-01-01T00:00:00.000Z'))).toBe(31 * 24 * 3600);
  });

  it('rounds a fraction of a second up, and never answers 0', () => {
    expect(secondsUntilReset(new Date('2026-01-31T23:59:59.001Z'))).toBe(1);
    expect(secondsUntilReset(new Date('2026-01-31T23:59:58.500Z'))).toBe(2);
  });
});
