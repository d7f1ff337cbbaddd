import type { RateLimitPolicy } from '../rate-limit-policy';
import type { RateLimitDecision } from '../rate-limiter';

interface Window {
  readonly policy: RateLimitPolicy;
  readonly end: number;
  count: number;
}

/**
 * Fixed windows counted in this process only: the insurance that answers while PostgreSQL does not
 * (ADR 0008). Same quota and window as the shared budget, so n instances allow up to n times the
 * plan during an outage. A window starts with a key's first request after the last one ended; a
 * policy change starts a new count. Time is passed in.
 */
export class WindowCounter {
  private readonly windows = new Map<string, Window>();

  consume(key: string, policy: RateLimitPolicy, now: number): RateLimitDecision {
    let window = this.windows.get(key);
    if (
      !window ||
      now >= window.end ||
      window.policy.quota !== policy.quota ||
      window.policy.name !== policy.name
    ) {
      window = { policy, end: now + policy.windowSeconds * 1_000, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    const resetMs = window.end - now;
    return window.count <= policy.quota
      ? { allowed: true, remaining: policy.quota - window.count, resetMs }
      : { allowed: false, remaining: 0, resetMs };
  }

  /** Forgets the windows that ended before `now`. */
  prune(now: number): void {
    for (const [key, window] of this.windows) if (now >= window.end) this.windows.delete(key);
  }

  get size(): number {
    return this.windows.size;
  }
}
