import { rateLimitHeaders, retryAfterSeconds } from './rate-limit-headers';

const free = { name: 'free', quota: 10, windowSeconds: 2 };

describe('RateLimit-Policy and RateLimit (draft-ietf-httpapi-ratelimit-headers)', () => {
  it('announce the policy and what is left of it, as structured-field lists', () => {
    expect(rateLimitHeaders(free, { allowed: true, remaining: 7, resetMs: 1_200 })).toEqual({
      'ratelimit-policy': '"free";q=10;w=2',
      ratelimit: '"free";r=7;t=2',
    });
  });

  it('round the reset up to whole seconds, never below zero', () => {
    const t = (resetMs: number) => rateLimitHeaders(free, { allowed: true, remaining: 1, resetMs }).ratelimit;
    expect(t(2_000)).toBe('"free";r=1;t=2');
    expect(t(1)).toBe('"free";r=1;t=1');
    expect(t(0)).toBe('"free";r=1;t=0');
    expect(t(-5)).toBe('"free";r=1;t=0');
  });

  it('say nothing is left once refused', () => {
    expect(rateLimitHeaders(free, { allowed: false, remaining: 3, resetMs: 400 }).ratelimit).toBe(
      '"free";r=0;t=1',
    );
  });

  it('escape the policy name as an sf-string and refuse what it cannot carry', () => {
    const odd = { name: 'a"b\\c', quota: 1, windowSeconds: 1 };
    expect(rateLimitHeaders(odd, { allowed: true, remaining: 0, resetMs: 0 })['ratelimit-policy']).toBe(
      '"a\\"b\\\\c";q=1;w=1',
    );
    expect(() =>
      rateLimitHeaders({ ...odd, name: 'plän' }, { allowed: true, remaining: 0, resetMs: 0 }),
    ).toThrow(/printable ASCII/);
  });

  it('ask a refused caller to wait whole seconds, at least one', () => {
    expect(retryAfterSeconds({ allowed: false, remaining: 0, resetMs: 1_001 })).toBe(2);
    expect(retryAfterSeconds({ allowed: false, remaining: 0, resetMs: 0 })).toBe(1);
  });
});
