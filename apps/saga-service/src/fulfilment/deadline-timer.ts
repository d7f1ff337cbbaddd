import type { Logger } from '@platform/observability';
import { deadlineInputIdOf } from './command-id';
import type { DueTimer, FulfilmentStore } from './fulfilment-store';
import type { SagaSteps } from './saga-steps';
import { timersFired } from './saga-metrics';
import { WakeSignal } from './wake-signal';

export interface DeadlineTimerOptions {
  /** The longest the loop sleeps without looking (deadlines other instances wrote); default 1000 ms. */
  readonly maxSleepMs?: number;
  readonly batchSize?: number;
}

/**
 * Fires the sagas' durable deadlines: rows in `timers`, never in-process timeouts holding state.
 * One loop per instance sleeps until the earliest due time (at most `maxSleepMs`; {@link armAt}
 * re-arms it when a step of this instance writes an earlier one), then feeds `DeadlinePassed` to
 * each due order's saga, each in its own step, which claims the timer with `FOR UPDATE SKIP
 * LOCKED`: two instances never fire one timer twice. Whatever was due while no instance ran fires
 * at the next start.
 */
export class DeadlineTimer {
  private readonly signal = new WakeSignal();
  private stopped = false;
  private running: Promise<void> | undefined;
  private armedFor = Infinity;

  constructor(
    private readonly store: FulfilmentStore,
    private readonly steps: SagaSteps,
    private readonly logger: Logger,
    private readonly options: DeadlineTimerOptions = {},
  ) {}

  start(): void {
    this.running ??= this.run();
  }

  /** A step set a deadline at `dueAt` (ISO): wake the loop if it sleeps past it. */
  armAt(dueAt: string): void {
    if (Date.parse(dueAt) < this.armedFor) this.signal.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.signal.wake();
    await this.running;
  }

  private async run(): Promise<void> {
    const maxSleepMs = this.options.maxSleepMs ?? 1_000;
    let failures = 0;
    while (!this.stopped) {
      try {
        const now = new Date().toISOString();
        const due = await this.store.dueTimers(now, this.options.batchSize ?? 100);
        for (const timer of due) {
          if (this.stopped) break;
          await this.fire(timer, now);
        }
        if (due.length === (this.options.batchSize ?? 100)) continue;
        const next = await this.store.nextDueAt();
        const sleepMs = Math.min(maxSleepMs, next === undefined ? maxSleepMs : next.getTime() - Date.now());
        this.armedFor = Date.now() + sleepMs;
        await this.signal.wait(sleepMs);
        this.armedFor = Infinity;
        failures = 0;
      } catch (error) {
        failures += 1;
        const delay = Math.min(200 * 2 ** (failures - 1), 5_000);
        this.logger.warn({ err: error, retryInMs: delay }, 'saga deadlines: a pass failed; retrying');
        await this.signal.wait(delay);
      }
    }
  }

  private async fire(timer: DueTimer, now: string): Promise<void> {
    const outcome = await this.steps.deadline(timer, deadlineInputIdOf(timer.orderId, timer.dueAt), now);
    if (outcome.kind === 'applied') timersFired.inc();
  }
}
