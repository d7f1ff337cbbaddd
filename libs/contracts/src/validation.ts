import type { z } from 'zod';
import { ProblemError, type FieldError } from './problems';

/** Zod issues as the contract's `errors: [{ path, message }]`, paths in JSON-pointer-ish dot form. */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.length === 0 ? '/' : '/' + issue.path.map(String).join('/'),
    message: issue.message,
  }));
}

/** Parses `input` or throws a 400 {@link ProblemError} listing every violation. */
export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ProblemError('validation', `${what} is not valid`, fieldErrors(result.error));
}
