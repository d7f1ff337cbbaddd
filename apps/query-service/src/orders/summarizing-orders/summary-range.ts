import { z } from 'zod';

/** The longest range a summary covers: a year and a day (it sums one row per hour, currency and sku). */
export const MAX_SUMMARY_DAYS = 366;

const HOUR_MS = 3_600_000;

const wholeHour = z.iso
  .datetime({ offset: true })
  .refine(
    (value) => new Date(value).getTime() % HOUR_MS === 0,
    'must be a whole UTC hour, e.g. 2026-12-01T00:00:00Z',
  )
  .transform((value) => new Date(value).toISOString());

/**
 * `GET /v1/orders/summary?from=&to=`: ISO-8601 instants on whole UTC hours (the summary's
 * resolution), `from` inclusive, `to` exclusive, `from` before `to`, at most {@link MAX_SUMMARY_DAYS}
 * apart.
 */
export const summaryQuerySchema = z
  .strictObject({ from: wholeHour, to: wholeHour })
  .refine(({ from, to }) => from < to, { path: ['to'], message: 'must be after from' })
  .refine(
    ({ from, to }) => new Date(to).getTime() - new Date(from).getTime() <= MAX_SUMMARY_DAYS * 24 * HOUR_MS,
    {
      path: ['to'],
      message: `at most ${MAX_SUMMARY_DAYS} days after from`,
    },
  );

export type SummaryQuery = z.infer<typeof summaryQuerySchema>;
