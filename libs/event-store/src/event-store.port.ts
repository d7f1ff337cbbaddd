/**
 * The condition an append must meet, checked atomically with the write:
 * - `'any'`: no check, always appends;
 * - `'no-stream'`: the stream must not exist yet (it has no events);
 * - `'stream-exists'`: the stream must have at least one event;
 * - a number `n >= 1`: the stream must have exactly `n` events (its current version). `0` is not a
 *   valid number here; use `'no-stream'`.
 */
export type ExpectedVersion = 'any' | 'no-stream' | 'stream-exists' | number;

/** Context every event carries; copied from the command that caused it. */
export interface EventMetadata {
  tenantId: string;
  correlationId: string;
  causationId: string;
  actor: string;
  /** ISO-8601 instant at which the fact happened (the decider's clock, not the store's). */
  occurredAt: string;
  /** W3C trace context of the command that produced the event. */
  traceparent?: string;
  tracestate?: string;
}

/** An event about to be appended. */
export interface NewEvent {
  /** UUID chosen by the producer; unique across the whole store. */
  eventId: string;
  type: string;
  /** Any JSON-serialisable value. */
  data: unknown;
  schemaVersion: number;
  /** `metadata.tenantId` must be the tenant of the stream the event is appended to. */
  metadata: EventMetadata;
}

/** An event as the store recorded it. */
export interface RecordedEvent extends NewEvent {
  tenantId: string;
  streamName: string;
  /** 1-based position of the event in its stream. */
  streamVersion: number;
  /**
   * Position in the whole store, taken when the event was inserted: unique, increasing along a
   * stream, with possible gaps. Transactions commit in another order than they take positions, so
   * follow the global log by {@link GlobalEvent.checkpoint}, never by this number.
   */
  globalPosition: number;
  /** ISO-8601 instant at which the store committed the event. */
  recordedAt: string;
}

export interface AppendResult {
  /** The stream's version after the append: pass it as `expectedVersion` for the next append. */
  nextExpectedVersion: number;
  /**
   * Global position of the last appended event. For an empty append: the position of the stream's
   * last event, or 0 when the stream does not exist.
   */
  lastPosition: number;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  /**
   * First stream version to return (inclusive). Default: 1 forwards, the stream's last version
   * backwards.
   */
  fromVersion?: number;
  /** Default `'forwards'` (ascending versions). */
  direction?: Direction;
  /** Maximum number of events to return; default: all. */
  maxCount?: number;
}

/**
 * An opaque, totally ordered position in the store's global log, as the adapter encodes it
 * (PostgreSQL: transaction id and position; EventStoreDB: commit and prepare positions). Persist it
 * to resume a subscription; compare checkpoints only through the store.
 *
 * @example
 * ```ts
 * // PostgreSQL: "00000000000000000742:00000000000000001234" (transaction id, global position)
 * const last: Checkpoint | undefined = await checkpoints.load('orders-relay');
 * for await (const event of store.readAll({ from: last, maxCount: 100 })) await publish(event);
 * ```
 */
export type Checkpoint = string;

/** Which events of the global log a reader wants. */
export interface AllFilter {
  /** Only this tenant's events. Without it, the reader sees every tenant (system use: relay, export). */
  tenantId?: string;
  /** Only these event types. */
  types?: readonly string[];
  /** Only events recorded at or after this ISO-8601 instant. */
  since?: string;
}

export interface ReadAllOptions extends AllFilter {
  /** Start after this checkpoint (exclusive); default: the beginning. */
  from?: Checkpoint;
  /** Stop after this many events; default: all that are committed now. */
  maxCount?: number;
}

/**
 * An event read from the global log, with the checkpoint to resume after it. Its data and schema
 * version are already upcast to the current shape (see `createUpcasterRegistry`).
 */
export interface GlobalEvent extends RecordedEvent {
  checkpoint: Checkpoint;
}

export interface SubscribeToAllOptions {
  /** Resume after this checkpoint (exclusive); default: the beginning. */
  fromCheckpoint?: Checkpoint;
  filter?: AllFilter;
  /**
   * Called once per event, in global order, one at a time. When it throws, the subscription stops
   * (and `onError` is called): the event is not skipped.
   */
  handler: (event: GlobalEvent) => Promise<void>;
  onError?: (error: unknown) => void;
}

export interface AllSubscription {
  /**
   * Resolves once the subscription has delivered everything (matching its filter) committed when it
   * started; rejects if it stops first (an error, or `stop()`).
   */
  readonly caughtUp: Promise<void>;
  /** Stops after the event in progress; resolves when stopped. */
  stop(): Promise<void>;
}

/** What {@link EventStore.purgeTenant} deleted. */
export interface PurgeResult {
  /** Streams of the tenant that existed and are gone. */
  streams: number;
  /** Events of the tenant that existed and are gone. */
  events: number;
}

/**
 * Append-only store of per-tenant event streams with optimistic concurrency.
 *
 * A stream is identified by `(tenantId, streamName)`: the same name in two tenants is two independent
 * streams, and no method reads across tenants. `tenantId` must be a UUID; invalid arguments are
 * rejected with a `TypeError` before the store is touched. A failed expected-version check rejects
 * with {@link WrongExpectedVersionError} and writes nothing.
 *
 * Inject it with the {@link EVENT_STORE} token.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class ConfirmOrderHandler {
 *   constructor(@Inject(EVENT_STORE) private readonly events: EventStore) {}
 *
 *   async handle(command: ConfirmOrder): Promise<void> {
 *     const { tenantId } = command.metadata;
 *     const stream = `order-${command.data.orderId}`;
 *     const history = await this.events.readStream(tenantId, stream);
 *     const state = history.reduce(evolve, initialState());
 *     const newEvents: NewEvent[] = decide(command, state).map((e) => toNewEvent(e, command.metadata));
 *     await this.events.appendToStream(tenantId, stream, newEvents, {
 *       // the version the decision was made on: a concurrent writer makes this throw
 *       expectedVersion: history.length === 0 ? 'no-stream' : history.length,
 *     });
 *   }
 * }
 * ```
 */
export interface EventStore {
  /**
   * Appends `events`, in order, atomically: all or none. Appending no events writes nothing but still
   * checks `expectedVersion`.
   *
   * Idempotent: repeating an append (same event ids, in the same order, with the same
   * `expectedVersion`) whose events are already the stream's events at the versions that
   * `expectedVersion` gives them returns the first append's result and writes nothing, even after
   * the stream has moved on. A batch that only partly repeats recorded events, or whose ids are
   * recorded at other versions or in another stream, writes nothing and is refused with
   * {@link DuplicateEventIdError}.
   *
   * @throws {WrongExpectedVersionError} when the stream's version does not match `expectedVersion`.
   * @throws {DuplicateEventIdError} when an event id is already recorded, other than as a repeat.
   *
   * @example
   * ```ts
   * const events = decide(command, state).map(toNewEvent); // ids chosen once, before any retry
   * const first = await store.appendToStream(tenantId, stream, events, { expectedVersion: 3 });
   * // the network dropped the answer: send the very same append again
   * const again = await store.appendToStream(tenantId, stream, events, { expectedVersion: 3 });
   * // again equals first, and the events are recorded once
   * ```
   */
  appendToStream(
    tenantId: string,
    streamName: string,
    events: readonly NewEvent[],
    options: { expectedVersion: ExpectedVersion },
  ): Promise<AppendResult>;

  /**
   * The stream's events, ordered by version (ascending, or descending with
   * `direction: 'backwards'`); `[]` when the stream does not exist. Data is upcast to the current
   * shape.
   *
   * @example
   * ```ts
   * const [last] = await store.readStream(tenantId, 'order-42', { direction: 'backwards', maxCount: 1 });
   * ```
   */
  readStream(tenantId: string, streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /**
   * The global log in commit order, without gaps: an event whose transaction commits after a later
   * position was read is still delivered after it, never skipped. Reads in batches; ends with what
   * is committed (and readable without a gap) when the last batch is read. Without `tenantId` it
   * reads every tenant: a system call (relay, export tools), not one to make on behalf of a tenant.
   *
   * @example
   * ```ts
   * for await (const event of store.readAll({ tenantId, types: ['OrderPlaced'], since: '2026-01-01T00:00:00Z' })) {
   *   report.add(event);
   * }
   * ```
   */
  readAll(options?: ReadAllOptions): AsyncIterable<GlobalEvent>;

  /**
   * Catch-up subscription to the global log: delivers what is there, then follows new commits,
   * one event at a time, in global order. Never skips an event and delivers each once per
   * subscription; persist `event.checkpoint` (after handling it) to resume after a restart.
   * `caughtUp` resolves once every matching event committed when it started has been handled.
   *
   * @example
   * ```ts
   * const subscription = store.subscribeToAll({
   *   fromCheckpoint: await checkpoints.load('relay'),
   *   handler: async (event) => {
   *     await kafka.publish(event);
   *     await checkpoints.save('relay', event.checkpoint);
   *   },
   *   onError: (error) => logger.error({ err: error }, 'relay stopped; restart it from its checkpoint'),
   * });
   * await subscription.caughtUp;
   * // ... on shutdown
   * await subscription.stop();
   * ```
   */
  subscribeToAll(options: SubscribeToAllOptions): AllSubscription;

  /**
   * Every event of a tenant, in global order, read in batches (a streaming export): pipe it through
   * `toNdjson` for one JSON object per line.
   *
   * @example
   * ```ts
   * await pipeline(Readable.from(toNdjson(store.exportTenant(tenantId))), createWriteStream('tenant.ndjson'));
   * ```
   */
  exportTenant(tenantId: string): AsyncIterable<GlobalEvent>;

  /**
   * Deletes every stream, event and snapshot of a tenant, at once. Other tenants are untouched.
   * Run it once the tenant's writers have stopped (an offboarded tenant): an append racing with the
   * purge may survive it; purge again then.
   *
   * @example
   * ```ts
   * const { streams, events } = await store.purgeTenant(tenantId);
   * ```
   */
  purgeTenant(tenantId: string): Promise<PurgeResult>;

  /** Readiness probe: resolves when the store can answer, rejects otherwise. */
  ping(): Promise<void>;

  /** Releases the resources the store owns. */
  close(): Promise<void>;
}

/** Nest injection token for the {@link EventStore} port. */
export const EVENT_STORE = Symbol('EVENT_STORE');
