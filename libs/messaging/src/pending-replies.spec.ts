import { ProblemError } from '@platform/contracts';
import { PendingReplies } from './pending-replies';

/** Unhandled rejections seen while `work` runs (and the turns after it). */
async function unhandledDuring(work: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (reason: unknown): void => {
    seen.push(reason);
  };
  process.on('unhandledRejection', listener);
  try {
    await work();
    // unhandled rejections are reported after the microtask queue drains
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('unhandledRejection', listener);
  }
  return seen;
}

const problemOf = async (promise: Promise<unknown>): Promise<ProblemError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error('resolved');
};

describe('PendingReplies', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('answers with the reply when it comes', async () => {
    const replies = new PendingReplies();
    const reply = replies.request('r1', () => Promise.resolve(), 1_000);
    await Promise.resolve();
    expect(replies.settle('r1', () => ({ ok: true }))).toBe(true);
    await expect(reply).resolves.toEqual({ ok: true });
    expect(replies.size).toBe(0);
  });

  it('is a 503 with Retry-After as soon as the send fails, before the deadline', async () => {
    const replies = new PendingReplies();
    const problem = await problemOf(
      replies.request('r1', () => Promise.reject(new Error('connect ECONNREFUSED')), 60_000),
    );
    expect(problem.kind).toBe('unavailable');
    expect(problem.headers?.['retry-after']).toBe('5');
    expect(problem.detail).not.toContain('ECONNREFUSED');
    expect(replies.size).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('is a 504 at the deadline while the send still hangs, and the later send failure is dropped', async () => {
    const replies = new PendingReplies();
    let failSend: (error: Error) => void = () => undefined;
    const unhandled = await unhandledDuring(async () => {
      const reply = replies.request('r1', () => new Promise<void>((_, reject) => (failSend = reject)), 1_000);
      await Promise.resolve(); // the send starts on the next microtask
      jest.advanceTimersByTime(1_000);
      const problem = await problemOf(reply);
      expect(problem.kind).toBe('timeout');
      failSend(new Error('gave up after retries'));
    });
    expect(unhandled).toEqual([]);
  });

  it('drops a reply to a request that is no longer waited for', () => {
    const replies = new PendingReplies();
    expect(replies.settle('unknown', () => 1)).toBe(false);
  });

  it('rejects when the reply cannot be read', async () => {
    const replies = new PendingReplies();
    const reply = replies.request('r1', () => Promise.resolve(), 1_000);
    replies.settle('r1', () => JSON.parse('{') as unknown);
    await expect(reply).rejects.toThrow(SyntaxError);
  });

  it('ends every wait at shutdown', async () => {
    const replies = new PendingReplies();
    const waits = ['a', 'b'].map((id) =>
      replies.request(id, () => new Promise<void>(() => undefined), 1_000),
    );
    replies.failAll(new ProblemError('unavailable', 'shutting down'));
    for (const wait of waits) await expect(wait).rejects.toMatchObject({ kind: 'unavailable' });
    expect(jest.getTimerCount()).toBe(0);
  });
});
