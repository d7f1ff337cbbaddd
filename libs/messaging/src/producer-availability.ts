export interface AvailabilityOptions {
  /** A batch not acknowledged after this long counts as Kafka being away; default 2,000 ms. */
  readonly stallMs?: number;
  /** While away, one refusable send per interval goes through to find out if Kafka is back; default 1,000 ms. */
  readonly probeIntervalMs?: number;
  readonly now?: () => number;
}

/**
 * Whether Kafka takes the producer's messages, as its own sends tell (a circuit breaker): away after
 * a batch failed or while one has gone unacknowledged for `stallMs`, back after a batch succeeds.
 * While away, refusable sends are refused at once, except one per `probeIntervalMs` when no batch is
 * in flight: that one finds out whether Kafka is back (half-open). A broker that is killed shows
 * as a stall long before kafkajs gives up retrying the batch.
 */
export class ProducerAvailability {
  private readonly stallMs: number;
  private readonly probeIntervalMs: number;
  private readonly now: () => number;
  private failure: string | undefined;
  private stalled = false;
  private nextProbeAt = 0;

  constructor(options: AvailabilityOptions = {}) {
    this.stallMs = options.stallMs ?? 2_000;
    this.probeIntervalMs = options.probeIntervalMs ?? 1_000;
    this.now = options.now ?? Date.now;
  }

  /** Why Kafka counts as away, or undefined while it takes messages. */
  get reason(): string | undefined {
    if (this.stalled) return `a send has had no acknowledgement for ${this.stallMs} ms`;
    return this.failure;
  }

  /** Why a refusable send is refused now, or undefined to let it through (perhaps as the probe). */
  refusal(batchInFlight: boolean): string | undefined {
    if (this.stalled) return this.reason;
    if (this.failure === undefined) return undefined;
    if (batchInFlight || this.now() < this.nextProbeAt) return this.failure;
    this.nextProbeAt = this.now() + this.probeIntervalMs;
    return undefined;
  }

  /** Call when a batch goes out; `onStall` runs if it is still unacknowledged after `stallMs`. Clear the timer when it settles. */
  watch(onStall: () => void): NodeJS.Timeout {
    this.stalled = false;
    const timer = setTimeout(() => {
      this.stalled = true;
      onStall();
    }, this.stallMs);
    timer.unref();
    return timer;
  }

  succeeded(): void {
    this.stalled = false;
    this.failure = undefined;
  }

  failed(error: unknown): void {
    this.stalled = false;
    this.failure = error instanceof Error ? error.message : String(error);
    this.nextProbeAt = this.now() + this.probeIntervalMs;
  }
}
