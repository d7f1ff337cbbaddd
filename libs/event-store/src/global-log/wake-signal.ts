/**
 * Tells a live subscription that the log may have moved on ("something was appended"), so that it
 * reads at once instead of at its next poll. A hint, never the truth: a wake may be spurious, and a
 * subscription still polls, slowly, in case one is missed.
 */
export interface WakeSignal {
  /** Moves on with every wake; read it before a read of the log, wait with it after. */
  readonly generation: number;
  /**
   * Resolves once the generation has moved past `seen` (at once if it already has), after
   * `timeoutMs`, or when `signal` is aborted, whichever comes first. Never rejects.
   */
  waitAfter(seen: number, timeoutMs: number, signal: AbortSignal): Promise<void>;
}

/** A {@link WakeSignal} that is woken by calling {@link wake}. */
export class WakeCounter implements WakeSignal {
  private current = 0;
  private readonly waiters = new Set<() => void>();

  get generation(): number {
    return this.current;
  }

  wake(): void {
    this.current += 1;
    for (const resolve of [...this.waiters]) resolve();
  }

  waitAfter(seen: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.current !== seen || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }
}
