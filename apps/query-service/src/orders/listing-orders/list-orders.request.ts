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
