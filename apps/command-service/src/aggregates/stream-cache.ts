/** What a command answered, found again when the same command (same id) comes back. */
export interface EarlierAnswer {
  /** The stream's version after the command's last event. */
  readonly version: number;
  /** The global position of that event. */
  readonly position: number;
}

/** An aggregate as of its stream's `version`: its folded state and the commands that made it. */
export interface CachedStream<S> {
  readonly version: number;
  readonly state: S;
  /** By command id (`causationId` of the events): what each command that changed the stream answered. */
  readonly answers: ReadonlyMap<string, EarlierAnswer>;
}

/**
 * The hot aggregates of this instance, by tenant and stream, least recently used dropped first
 * (ADR 0018). The owner of a Kafka partition is the only writer of its aggregates, so the cached
 * version is normally the stream's; when it is not (another instance wrote meanwhile, a rebalance),
 * the append's expected version fails and the handler forgets the entry and reads the stream. A
 * refusal is never decided from a cached state alone: the handler reads the stream first.
 */
export class StreamCache<S> {
  private readonly entries = new Map<string, CachedStream<S>>();

  constructor(readonly capacity = 10_000) {}

  get(tenantId: string, stream: string): CachedStream<S> | undefined {
    const key = keyOf(tenantId, stream);
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      // most recently used last
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(tenantId: string, stream: string, entry: CachedStream<S>): void {
    const key = keyOf(tenantId, stream);
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }

  forget(tenantId: string, stream: string): void {
    this.entries.delete(keyOf(tenantId, stream));
  }

  get size(): number {
    return this.entries.size;
  }
}

const keyOf = (tenantId: string, stream: string): string => `${tenantId}/${stream}`;
