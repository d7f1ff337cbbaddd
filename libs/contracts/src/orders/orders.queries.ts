import { z } from 'zod';

/** The statuses of the contract's order lifecycle (section 5). */
export const ORDER_STATUSES = ['draft', 'confirmed', 'reserved', 'paid', 'shipped', 'cancelled'] as const;

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** `GET /v1/orders?customerId=&status=&limit=&cursor=`; an unknown parameter is a 400 too. */
export const listOrdersQuerySchema = z.strictObject({
  customerId: z.string().min(1).max(100).optional(),
  status: z.enum(ORDER_STATUSES).optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, `an integer from 1 to ${MAX_PAGE_SIZE}`)
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_PAGE_SIZE))
    .default(DEFAULT_PAGE_SIZE),
  cursor: z.string().min(1).max(256).optional(),
});

export type ListOrdersQuery = z.infer<typeof listOrdersQuerySchema>;

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
