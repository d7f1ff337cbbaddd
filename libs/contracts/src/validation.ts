import type { z } from 'zod';
import { ProblemError, type FieldError } from './problems';

/** Zod issues as the contract's `errors: [{ path, message }]`, paths in JSON-pointer-ish dot form. */
export function fieldErrors(error: z.ZodError): FieldError[] {
  const pointer = (path: readonly PropertyKey[]): string => '/' + path.map(String).join('/');
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: pointer([...issue.path, key]), message: 'unknown field' }))
      : [{ path: pointer(issue.path), message: issue.message }],
  );
}

/** Parses `input` or throws a 400 {@link ProblemError} listing every violation. */
export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  // A body the server kept as text (YAML) on a route that takes JSON.
  if (typeof input === 'string')
    throw new ProblemError('unsupportedMediaType', 'this route accepts application/json');
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ProblemError('validation', `${what} is not valid`, fieldErrors(result.error));
}
