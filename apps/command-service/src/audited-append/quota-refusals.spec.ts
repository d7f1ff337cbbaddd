import { monthlyPeriodOf } from '@platform/quotas';
import { quotaExceeded } from './quota-refusals';

describe('quotaExceeded', () => {
  it('is a 429 quota-exceeded whose Retry-After runs to the next UTC month', () => {
    const at = new Date('2026-02-28T23:59:00.000Z');

    const refusal = quotaExceeded('orders', {
      ok: false,
      used: 1_000,
      limit: 1_000,
      period: monthlyPeriodOf(at),
      retryAfterSeconds: 60,
    });

    expect(refusal).toEqual({
      kind: 'quotaExceeded',
      code: 'quota-exceeded',
      detail:
        'the plan allows 1000 orders per UTC month and 1000 are used; the quota resets at 2026-03-01T00:00:00.000Z',
      headers: {
        'retry-after': '60',
        'ratelimit-policy': `"orders-per-month";q=1000;w=${28 * 24 * 3600}`,
        ratelimit: '"orders-per-month";r=0;t=60',
      },
    });
  });
});
