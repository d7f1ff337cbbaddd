import { listOrdersQuerySchema, ProblemError, summaryQuerySchema } from '@platform/contracts';
import { parseQuery } from './query-parameters';

function refusal(run: () => unknown): readonly { path: string; message: string }[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemError);
    return (error as ProblemError).errors ?? [];
  }
  throw new Error('expected a 400');
}

describe('GET /v1/orders query', () => {
  it('defaults the limit to 20 and takes the filters', () => {
    expect(parseQuery(listOrdersQuerySchema, {})).toEqual({ limit: 20 });
    expect(parseQuery(listOrdersQuerySchema, { limit: '100', status: 'draft', customerId: 'c' })).toEqual({
      limit: 100,
      status: 'draft',
      customerId: 'c',
    });
  });

  it.each([['0'], ['101'], ['-1'], ['1.5'], ['ten'], ['']])('refuses limit=%j', (limit) => {
    expect(refusal(() => parseQuery(listOrdersQuerySchema, { limit }))).toEqual([
      expect.objectContaining({ path: '/query/limit' }),
    ]);
  });

  it('refuses an unknown status, an unknown parameter and a repeated one', () => {
    expect(refusal(() => parseQuery(listOrdersQuerySchema, { status: 'lost' }))[0]?.path).toBe(
      '/query/status',
    );
    expect(refusal(() => parseQuery(listOrdersQuerySchema, { sort: 'asc' }))).toEqual([
      { path: '/query/sort', message: 'unknown field' },
    ]);
    expect(refusal(() => parseQuery(listOrdersQuerySchema, { limit: ['1', '2'] }))[0]?.path).toBe(
      '/query/limit',
    );
  });
});

describe('GET /v1/orders/summary query', () => {
  it('takes whole UTC hours, in any offset, as UTC', () => {
    expect(
      parseQuery(summaryQuerySchema, { from: '2026-12-01T00:00:00Z', to: '2026-12-01T02:00:00+01:00' }),
    ).toEqual({ from: '2026-12-01T00:00:00.000Z', to: '2026-12-01T01:00:00.000Z' });
  });

  it.each([
    [{ to: '2026-12-01T00:00:00Z' }, '/query/from'],
    [{ from: 'yesterday', to: '2026-12-01T00:00:00Z' }, '/query/from'],
    [{ from: '2026-12-01T00:30:00Z', to: '2026-12-02T00:00:00Z' }, '/query/from'],
    [{ from: '2026-12-01', to: '2026-12-02T00:00:00Z' }, '/query/from'],
    [{ from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' }, '/query/to'],
    [{ from: '2026-12-01T00:00:00Z', to: '2026-12-01T00:00:00Z' }, '/query/to'],
    [{ from: '2025-01-01T00:00:00Z', to: '2026-12-01T00:00:00Z' }, '/query/to'],
  ])('refuses %j at %s', (query, path) => {
    expect(refusal(() => parseQuery(summaryQuerySchema, query)).map((e) => e.path)).toContain(path);
  });
});
