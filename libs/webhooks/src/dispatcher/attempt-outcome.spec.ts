import type { BackoffPolicy } from '../backoff';
import { nextStep } from './attempt-outcome';

const policy: BackoffPolicy = { baseMs: 1_000, capMs: 60_000, maxAttempts: 3 };
const now = new Date('2026-03-01T10:00:00.000Z');
const half = () => 0.5;
const answered = (statusCode: number) => ({ kind: 'response', statusCode }) as const;

describe('nextStep', () => {
  it.each([200, 201, 204, 299])('delivers on %i', (statusCode) => {
    expect(nextStep(answered(statusCode), 1, policy, now, half)).toEqual({ outcome: 'delivered' });
  });

  it.each([301, 400, 410, 429, 500, 503])('retries %i after a jittered backoff', (statusCode) => {
    expect(nextStep(answered(statusCode), 2, policy, now, half)).toEqual({
      outcome: 'retry',
      nextAttemptAt: new Date(now.getTime() + 1_000), // half of the 2nd ceiling, 2 s
    });
  });

  it('retries when no answer came', () => {
    const step = nextStep({ kind: 'error', error: 'TimeoutError' }, 1, policy, now, () => 0.999);

    expect(step).toEqual({ outcome: 'retry', nextAttemptAt: new Date(now.getTime() + 999) });
  });

  it('dead-letters after the last allowed attempt, and delivers on it if it succeeds', () => {
    expect(nextStep(answered(500), 3, policy, now, half)).toEqual({ outcome: 'dead' });
    expect(nextStep({ kind: 'error', error: 'ECONNREFUSED' }, 3, policy, now, half)).toEqual({
      outcome: 'dead',
    });
    expect(nextStep(answered(200), 3, policy, now, half)).toEqual({ outcome: 'delivered' });
  });
});
