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
  /** Position in the whole store: increases with each appended event, with possible gaps. */
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

export interface ReadStreamOptions {
  /** First stream version to return (inclusive); default 1. */
  fromVersion?: number;
  /** Maximum number of events to return; default: all. */
  maxCount?: number;
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
   * @throws {WrongExpectedVersionError} when the stream's version does not match `expectedVersion`.
   */
  appendToStream(
    tenantId: string,
    streamName: string,
    events: readonly NewEvent[],
    options: { expectedVersion: ExpectedVersion },
  ): Promise<AppendResult>;

  /** The stream's events ordered by version; `[]` when the stream does not exist. */
  readStream(tenantId: string, streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /** Readiness probe: resolves when the store can answer, rejects otherwise. */
  ping(): Promise<void>;

  /** Releases the resources the store owns. */
  close(): Promise<void>;
}

/** Nest injection token for the {@link EventStore} port. */
export const EVENT_STORE = Symbol('EVENT_STORE');
