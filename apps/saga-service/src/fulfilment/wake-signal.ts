/**
 * A one-shot wake-up shared by whoever waits: `wait(ms)` resolves on the next `wake()` or after
 * `ms`, whichever comes first. A wake with nobody waiting is remembered for the next wait, so a
 * wake between a loop's read and its wait is never lost.
 */
export class WakeSignal {
  private pending = false;
  private waiter: (() => void) | undefined;

  wake(): void {
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter();
    } else this.pending = true;
  }

  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.waiter = undefined;
          resolve();
        },
        Math.max(0, ms),
      );
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
