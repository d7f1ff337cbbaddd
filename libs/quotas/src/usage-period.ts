// The period a usage counter covers: one UTC calendar month. Pure, so the reset time and the
// Retry-After it leads to are tested without a database.

/** One UTC calendar month: the key of a usage counter and when it resets. */
export interface UsagePeriod {
  /** First day of the month, `YYYY-MM-01`: the counter's key (a PostgreSQL `date`). */
  readonly start: string;
  /** The first instant of the next UTC month, when a new counter starts from zero. */
  readonly resetsAt: Date;
}

/**
 * The UTC month `at` falls in.
 *
 * @example
 * monthlyPeriodOf(new Date('2026-01-31T23:59:59.999Z'));
 * // { start: '2026-01-01', resetsAt: new Date('2026-02-01T00:00:00.000Z') }
 */
export function monthlyPeriodOf(at: Date): UsagePeriod {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    throw new TypeError(`at must be a valid Date; got ${String(at)}`);
  }
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth();
  const resetsAt = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999; month 12 rolls over.
  resetsAt.setUTCFullYear(year, month + 1, 1);
  return { start: `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-01`, resetsAt };
}

/** Whole seconds from `at` until its month's counter resets, at least 1: a `Retry-After` value. */
export function secondsUntilReset(at: Date): number {
  const { resetsAt } = monthlyPeriodOf(at);
  return Math.max(1, Math.ceil((resetsAt.getTime() - at.getTime()) / 1000));
}
