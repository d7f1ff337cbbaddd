export interface BatchingOptions {
  /** A batch goes out as soon as it has this many items. */
  readonly maxSize: number;
  /** … or this long after its first item arrived. */
  readonly maxDelayMs: number;
}

/**
 * Turns items handed over one at a time (the subscription's handler) into batches for `flush`:
 * a batch leaves when it is full or `maxDelayMs` after its first item, one batch at a time, in
 * arrival order. While a batch is out, the next one fills; when it is full too, {@link add} waits
 * (back-pressure on the subscription). A failed `flush` fails the batcher: the items not yet
 * flushed are dropped, and every later {@link add} and {@link drain} rejects with that error.
 */
export class RelayBatcher<T> {
  private buffer: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private failure: { readonly error: unknown } | undefined;

  constructor(
    private readonly flush: (batch: readonly T[]) => Promise<void>,
    private readonly options: BatchingOptions,
  ) {
    if (!Number.isInteger(options.maxSize) || options.maxSize < 1) {
      throw new RangeError(`maxSize must be a positive integer; got ${options.maxSize}`);
    }
  }

  /**
   * Resolves once `item` is accepted: at once, or, when the buffer is full while a batch is out,
   * once that batch is done and the full buffer has gone out in turn.
   */
  async add(item: T): Promise<void> {
    this.throwIfFailed();
    this.buffer.push(item);
    while (this.buffer.length >= this.options.maxSize) {
      const inFlight = this.inFlight;
      if (inFlight === undefined) void this.flushNext();
      else await inFlight;
      this.throwIfFailed();
    }
    this.schedule();
  }

  /** Flushes everything handed over so far; resolves when it is flushed. */
  async drain(): Promise<void> {
    while (this.failure === undefined && (this.inFlight !== undefined || this.buffer.length > 0)) {
      await this.flushNext();
    }
    this.throwIfFailed();
  }

  /** Drops what is not flushed yet; a flush in progress finishes on its own. */
  discard(): void {
    this.clearTimer();
    this.buffer = [];
  }

  /** Items waiting for a flush (not counting the batch in flight). */
  get pending(): number {
    return this.buffer.length;
  }

  /** The flush in progress, or a new one of the buffered items. */
  private flushNext(): Promise<void> {
    if (this.inFlight !== undefined) return this.inFlight;
    this.clearTimer();
    if (this.failure !== undefined || this.buffer.length === 0) return Promise.resolve();
    const batch = this.buffer.splice(0, this.options.maxSize);
    const done = this.flush(batch).then(
      () => {
        this.inFlight = undefined;
        // what arrived meanwhile has waited long enough: it goes next, at once
        if (this.buffer.length > 0) void this.flushNext();
      },
      (error: unknown) => {
        this.inFlight = undefined;
        this.failure = { error };
        this.discard();
      },
    );
    this.inFlight = done;
    return done;
  }

  private schedule(): void {
    if (this.timer !== undefined || this.inFlight !== undefined || this.buffer.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flushNext();
    }, this.options.maxDelayMs);
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure.error;
  }
}
