import { ProducerAvailability } from './producer-availability';

describe('ProducerAvailability', () => {
  let now = 0;
  const availability = (): ProducerAvailability =>
    new ProducerAvailability({ stallMs: 2_000, probeIntervalMs: 1_000, now: () => now });

  beforeEach(() => {
    now = 0;
    jest.useFakeTimers();
  });
  afterEach(() => jest.useRealTimers());

  it('lets everything through while sends succeed', () => {
    const a = availability();
    expect(a.refusal(false)).toBeUndefined();
    expect(a.refusal(true)).toBeUndefined();
    expect(a.reason).toBeUndefined();
  });

  it('refuses after a failed send, letting one probe through per interval when nothing is in flight', () => {
    const a = availability();
    a.failed(new Error('connect ECONNREFUSED'));
    expect(a.refusal(false)).toBe('connect ECONNREFUSED');
    now = 1_000;
    expect(a.refusal(true)).toBe('connect ECONNREFUSED'); // a batch in flight is finding out already
    expect(a.refusal(false)).toBeUndefined(); // the probe
    expect(a.refusal(false)).toBe('connect ECONNREFUSED');
    now = 2_000;
    expect(a.refusal(false)).toBeUndefined();
    a.succeeded();
    expect(a.refusal(false)).toBeUndefined();
    expect(a.refusal(false)).toBeUndefined();
  });

  it('counts a batch unacknowledged for stallMs as away, until a batch settles', () => {
    const a = availability();
    const onStall = jest.fn();
    const timer = a.watch(onStall);
    jest.advanceTimersByTime(1_999);
    expect(onStall).not.toHaveBeenCalled();
    expect(a.refusal(true)).toBeUndefined();
    jest.advanceTimersByTime(1);
    expect(onStall).toHaveBeenCalledTimes(1);
    expect(a.refusal(true)).toMatch(/no acknowledgement for 2000 ms/);
    expect(a.refusal(false)).toMatch(/no acknowledgement/);
    clearTimeout(timer);
    a.succeeded();
    expect(a.refusal(true)).toBeUndefined();
  });
});
