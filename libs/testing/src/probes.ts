import { setTimeout as sleep } from 'node:timers/promises';

export interface ProbeOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /** Shown in the failure message. */
  readonly what?: string;
}

/**
 * Polls `assertion` until it stops throwing, then returns its value; after `timeoutMs` fails with
 * the last error. For eventually-consistent outcomes: never a fixed sleep.
 *
 * @example
 * const order = await eventually(async () => {
 *   const res = await get(`/v1/orders/${id}`);
 *   expect(res.status).toBe(200);
 *   return res.body;
 * }, { what: 'order projected' });
 */
export async function eventually<T>(assertion: () => T | Promise<T>, options: ProbeOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await sleep(intervalMs);
  }
  const message = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`${options.what ?? 'probe'} did not hold within ${timeoutMs} ms: ${message}`);
}
