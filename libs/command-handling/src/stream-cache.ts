/**
 * What a command answered, found again when the same command (same id) comes back: the usual
 * answer type of {@link LoadedAggregate.answers}.
 */
export interface EarlierAnswer {
  /** The stream's version after the command's last event. */
  readonly version: number;
  /** The global position of that event. */
  readonly position: number;
}

/**
 * An aggregate as read from its stream: its `version` (the number of events), its folded `state`
 * and, when the aggregate keeps them, what each command that wrote the stream answered, by command
 * id (so that a repeated command is answered as before instead of being carried out twice).
 */
export interface LoadedAggregate<S, A = EarlierAnswer> {
  readonly version: number;
  readonly state: S;
  readonly answers?: ReadonlyMap<string, A>;
}

/** One aggregate's place in a {@link StreamCache}: what {@link handleCommand} reads and updates. */
export interface CachedAggregate<S, A> {
  get(): LoadedAggregate<S, A> | undefined;
  set(entry: LoadedAggregate<S, A>): void;
  forget(): void;
}

/**
 * The hot aggregates of this instance, by tenant and stream, least recently used dropped first
 * (ADR 0018). The owner of a Kafka partition is the only writer of its aggregates, so the cached
 * version is normally the stream's; when it is not (another instance wrote meanwhile, a rebalance),
 * the append's expected version fails and the handler forgets the entry and reads the stream. A
 * refusal is never decided from a cached state alone: the handler reads the stream first.
 */
export class StreamCache<S, A = EarlierAnswer> {
  private readonly entries = new Map<string, LoadedAggregate<S, A>>();

  constructor(readonly capacity = 10_000) {}

  get(tenantId: string, stream: string): LoadedAggregate<S, A> | undefined {
    const key = keyOf(tenantId, stream);
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      // most recently used last
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(tenantId: string, stream: string, entry: LoadedAggregate<S, A>): void {
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

  /** The place of one aggregate, for {@link handleCommand}'s `cache`. */
  slot(tenantId: string, stream: string): CachedAggregate<S, A> {
    return {
      get: () => this.get(tenantId, stream),
      set: (entry) => this.set(tenantId, stream, entry),
      forget: () => this.forget(tenantId, stream),
    };
  }

  get size(): number {
    return this.entries.size;
  }
}

const keyOf = (tenantId: string, stream: string): string => `${tenantId}/${stream}`;
