import { z } from 'zod';
import { parseOrThrow } from './validation';
import { ProblemError } from './problems';

const schema = z.strictObject({ name: z.string().min(1), nested: z.strictObject({ n: z.number() }) });

describe('parseOrThrow', () => {
  it('returns the parsed value', () => {
    expect(parseOrThrow(schema, { name: 'a', nested: { n: 1 } }, 'thing')).toEqual({
      name: 'a',
      nested: { n: 1 },
    });
  });

  it('lists every violation with its path, unknown fields one by one', () => {
    let error: unknown;
    try {
      parseOrThrow(schema, { name: '', nested: { n: 'x', extra: 1 }, other: true }, 'the thing');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProblemError);
    const problem = error as ProblemError;
    expect(problem.kind).toBe('validation');
    expect(problem.detail).toBe('the thing is not valid');
    expect(problem.errors?.map((e) => e.path).sort()).toEqual([
      '/name',
      '/nested/extra',
      '/nested/n',
      '/other',
    ]);
    expect(problem.errors).toContainEqual({ path: '/other', message: 'unknown field' });
  });
});
