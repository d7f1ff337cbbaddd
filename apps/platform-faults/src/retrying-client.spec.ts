import { isRetriable } from './retrying-client';

describe('isRetriable', () => {
  it('retries what leaves the command open: no answer, 429, 502, 503, 504, and a key still in flight', () => {
    for (const status of [0, 429, 502, 503, 504]) expect(isRetriable(status)).toBe(true);
    expect(isRetriable(409, new Headers({ 'retry-after': '1' }))).toBe(true);
  });

  it('takes every other answer as final: accepted, or refused for good', () => {
    for (const status of [200, 201, 202, 400, 403, 404, 412, 422, 500])
      expect(isRetriable(status)).toBe(false);
    // a business conflict has no Retry-After
    expect(isRetriable(409, new Headers())).toBe(false);
  });
});
