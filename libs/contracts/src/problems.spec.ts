import { PROBLEM_BASE, ProblemError, ProblemTypes, problemTypeUri, type ProblemData } from './problems';

describe('ProblemTypes', () => {
  it('gives every kind its own slug', () => {
    const slugs = Object.values(ProblemTypes).map((type) => type.slug);

    expect(new Set(slugs).size).toBe(slugs.length);
  });

  it('answers a quota used up with 429 and a type of its own, apart from a rate limit', () => {
    expect(ProblemTypes.quotaExceeded.status).toBe(429);
    expect(problemTypeUri('quotaExceeded')).toBe(`${PROBLEM_BASE}quota-exceeded`);
    expect(problemTypeUri('rateLimited')).not.toBe(problemTypeUri('quotaExceeded'));
  });
});

describe('ProblemError', () => {
  const problem: ProblemData = {
    kind: 'quotaExceeded',
    detail: 'the plan allows 3 orders per month',
    headers: { 'retry-after': '60' },
  };

  it('keeps the headers of a problem received as data (e.g. in a Kafka reply)', () => {
    const error = ProblemError.from(problem);

    expect(error.headers).toEqual({ 'retry-after': '60' });
    expect(error.toData()).toEqual(problem);
  });

  it('keeps only the headers a Kafka reply may carry, whatever a service sent', () => {
    const received = JSON.parse(
      JSON.stringify({
        ...problem,
        headers: {
          'retry-after': '60',
          'ratelimit-policy': '"orders-per-month";q=3;w=2678400',
          ratelimit: '"orders-per-month";r=0;t=60',
          'set-cookie': 'session=stolen',
          location: 'https://elsewhere.example',
        },
      }),
    ) as ProblemData;

    const error = ProblemError.fromReply(received);

    expect(error).toMatchObject({ kind: 'quotaExceeded', detail: problem.detail });
    expect(error.headers).toEqual({
      'retry-after': '60',
      'ratelimit-policy': '"orders-per-month";q=3;w=2678400',
      ratelimit: '"orders-per-month";r=0;t=60',
    });
  });

  it('gives a reply problem without headers none', () => {
    expect(ProblemError.fromReply({ kind: 'conflict', detail: 'no' }).headers).toBeUndefined();
    expect(ProblemError.fromReply({ kind: 'conflict', detail: 'no', headers: { vary: 'x' } }).headers).toBe(
      undefined,
    );
  });

  it('round-trips a problem without headers or errors unchanged', () => {
    const plain: ProblemData = { kind: 'conflict', detail: 'no' };

    expect(ProblemError.from(plain).toData()).toEqual(plain);
    expect(JSON.parse(JSON.stringify(ProblemError.from(plain).toData()))).toEqual(plain);
  });
});
