import { createRequire } from 'node:module';
import { installRequestQueueTimerFix } from './request-queue-timer';

interface QueueLike {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

const RequestQueue = createRequire(require.resolve('kafkajs'))('./src/network/requestQueue') as {
  prototype: QueueLike;
};

function queue(pending: unknown[], throttledUntil = -1): QueueLike {
  const q = Object.create(RequestQueue.prototype) as QueueLike;
  Object.assign(q, { pending, throttledUntil, throttleCheckTimeoutId: null });
  q.checkPendingRequests = jest.fn();
  return q;
}

describe('the kafkajs request-queue timer fix', () => {
  beforeAll(() => installRequestQueueTimerFix());
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('arms no timer when nothing waits (kafkajs re-armed a 1 ms timer forever)', () => {
    const idle = queue([]);
    idle.scheduleCheckPendingRequests();
    expect(idle.throttleCheckTimeoutId).toBeNull();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('checks waiting requests shortly when not throttled, and at the end of a throttle otherwise', () => {
    const waiting = queue([{}]);
    waiting.scheduleCheckPendingRequests();
    jest.advanceTimersByTime(10);
    expect(waiting.checkPendingRequests).toHaveBeenCalledTimes(1);

    const throttled = queue([{}], Date.now() + 500);
    throttled.scheduleCheckPendingRequests();
    jest.advanceTimersByTime(499);
    expect(throttled.checkPendingRequests).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(throttled.checkPendingRequests).toHaveBeenCalledTimes(1);
  });
});
