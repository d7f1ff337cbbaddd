import type { z } from 'zod';
import { fieldErrors, ProblemError } from '@platform/contracts';

/** Parses a route's query string or throws a 400 listing every violation, at `/query/<name>`. */
export function parseQuery<T>(schema: z.ZodType<T>, query: unknown): T {
  const result = schema.safeParse(query ?? {});
  if (result.success) return result.data;
  const errors = fieldErrors(result.error).map((error) => ({ ...error, path: `/query${error.path}` }));
  throw new ProblemError('validation', 'the query parameters are not valid', errors);
}
