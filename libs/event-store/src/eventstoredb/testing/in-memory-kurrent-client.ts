import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  ANY,
  BACKWARDS,
  END,
  EVENT_TYPE,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AppendResult,
  type AppendToStreamOptions,
  type DeleteResult,
  type EventData,
  type Filter,
  type JSONRecordedEvent,
  type JSONType,
  type MetadataType,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type ResolvedEvent,
  type SubscribeToAllOptions,
} from '@kurrent/kurrentdb-client';
import type { AllStreamFeed, KurrentClient } from '../kurrent-client';

// An in-memory model of a single KurrentDB node, as far as the store uses it. NOT a server: it
// encodes what the adapter assumes of one, taken from the server's sources (IndexWriter.CheckCommit
// for expected versions and idempotency, AllReader for `$all` positions):
// - a write is atomic; each event gets its own log position (commit = prepare), with gaps between;
// - expected revision / NO_STREAM: a repeat of events already at those revisions succeeds and
//   returns the original revision and position; a repeat of only the first events is refused as a
//   wrong expected version; ANY / STREAM_EXISTS look for the ids among the stream's events;
// - reads of `$all` from a position include it; subscriptions from a position exclude it;
// - a tombstoned stream reads as deleted, refuses writes, and its events stay in `$all`, followed by
//   a `$streamDeleted` record, until a scavenge (which this model never runs).

interface LogRecord {
  position: bigint;
  streamId: string;
  revision: bigint;
  id: string;
  type: string;
  data: string;
  metadata: string | undefined;
  created: Date;
}

interface StreamState {
  records: LogRecord[];
  tombstoned: boolean;
}

const TOMBSTONE_REVISION = 0x7fff_ffff_ffff_ffffn;

export interface InMemoryKurrentClientOptions {
  /** The server's clock, stamped on each event as `created`. */
  now?: () => Date;
  /** Model an older server that leaves the position out of append results. */
  omitAppendPositions?: boolean;
  /** Model a server whose subscriptions resend the event at their start position. */
  subscriptionsIncludeStart?: boolean;
}

export class InMemoryKurrentClient implements KurrentClient {
  private readonly log: LogRecord[] = [];
  private readonly streams = new Map<string, StreamState>();
  private readonly feeds = new Set<Feed>();
  private nextPosition = 0n;
  private disposed = false;
  private readonly now: () => Date;

  constructor(private readonly options: InMemoryKurrentClientOptions = {}) {
    this.now = options.now ?? (() => new Date());
    // A fresh node starts with system events of its own.
    this.write('$stats-127.0.0.1:2113', 0n, { type: '$statsCollected', data: {} });
  }

  /** The names of the streams written so far, system streams included. */
  streamNames(): string[] {
    return [...this.streams.keys()];
  }

  /** The raw metadata JSON of the event with `id`. */
  storedMetadata(id: string): unknown {
    const metadata = this.log.find((record) => record.id === id)?.metadata;
    return metadata === undefined ? undefined : (JSON.parse(metadata) as unknown);
  }

  /** Writes an event as another application sharing the database would. */
  writeForeign(streamId: string, type: string, data: JSONType): void {
    const stream = this.streams.get(streamId);
    this.write(streamId, BigInt(stream?.records.length ?? 0), { type, data });
  }

  async appendToStream(
    streamName: string,
    events: EventData[],
    options: AppendToStreamOptions,
  ): Promise<AppendResult> {
    this.assertOpen();
    const streamState = options.streamState ?? ANY;
    const stream = this.streams.get(streamName);
    if (stream?.tombstoned) throw StreamDeletedError.fromStreamName(streamName);
    const records = stream?.records ?? [];
    const current = BigInt(records.length) - 1n;
    const refuse = () =>
      new WrongExpectedVersionError(undefined, {
        streamName,
        expected: streamState,
        current: current < 0n ? NO_STREAM : current,
      });
    const ids = events.map((event) => event.id.toLowerCase());

    if (streamState === STREAM_EXISTS && current < 0n) throw refuse();
    if (streamState === ANY || streamState === STREAM_EXISTS) {
      const found = ids.map((id) => records.find((record) => record.id === id));
      if (found[0] !== undefined) {
        if (found.some((record) => record === undefined)) throw refuse();
        return this.repeated(found.at(-1));
      }
    } else {
      const expected = streamState === NO_STREAM ? -1n : streamState;
      if (expected > current) throw refuse();
      if (expected < current) {
        const matches = ids.map((id, i) => records[Number(expected) + 1 + i]?.id === id);
        if (matches.every(Boolean)) return this.repeated(records[Number(expected) + ids.length]);
        throw refuse();
      }
    }

    let last: LogRecord | undefined;
    events.forEach((event, i) => {
      if (event.contentType !== 'application/json') throw new TypeError('the model stores JSON events only');
      last = this.write(streamName, current + 1n + BigInt(i), event);
    });
    if (last === undefined) throw new Error('the model does not take empty appends');
    return this.result(last, last.position);
  }

  async *readStream(streamName: string, options: ReadStreamOptions): AsyncGenerator<ResolvedEvent> {
    this.assertOpen();
    const stream = this.streams.get(streamName);
    if (stream === undefined) throw new StreamNotFoundError(undefined, streamName);
    if (stream.tombstoned) throw StreamDeletedError.fromStreamName(streamName);
    const { fromRevision = START, direction, maxCount = Number.MAX_SAFE_INTEGER } = options;
    const last = BigInt(stream.records.length) - 1n;
    const selected =
      direction === BACKWARDS
        ? stream.records
            .filter((r) => r.revision <= (fromRevision === END ? last : BigInt(fromRevision)))
            .reverse()
        : fromRevision === END
          ? []
          : stream.records.filter((r) => r.revision >= (fromRevision === START ? 0n : fromRevision));
    for (const record of selected.slice(0, Number(maxCount))) yield { event: toRecorded(record) };
  }

  async *readAll(options: ReadAllOptions): AsyncGenerator<AllStreamResolvedEvent> {
    this.assertOpen();
    const { fromPosition = START, direction, maxCount = Number.MAX_SAFE_INTEGER, filter } = options;
    let remaining = Number(maxCount);
    if (direction === BACKWARDS) {
      const before = fromPosition === END || fromPosition === START ? this.nextPosition : fromPosition.commit;
      const selected = this.log.filter((r) => r.position < before && matches(filter, r)).reverse();
      for (const record of selected.slice(0, remaining)) yield { event: toRecorded(record) };
      return;
    }
    if (fromPosition === END) return;
    const from = fromPosition === START ? 0n : fromPosition.commit;
    // Like the server's paged reads, a forward read sees what is appended while it runs.
    for (let i = 0; i < this.log.length && remaining > 0; i += 1) {
      const record = this.log[i];
      if (record === undefined || record.position < from || !matches(filter, record)) continue;
      remaining -= 1;
      yield { event: toRecorded(record) };
    }
  }

  subscribeToAll(options: SubscribeToAllOptions): AllStreamFeed {
    this.assertOpen();
    const { fromPosition = START, filter } = options;
    const feed = new Feed(filter, () => this.feeds.delete(feed));
    const start =
      fromPosition === START ? -1n : fromPosition === END ? this.nextPosition : fromPosition.commit;
    const includeStart = this.options.subscriptionsIncludeStart === true;
    this.log
      .filter((record) => record.position > start || (includeStart && record.position === start))
      .forEach((record) => feed.offer(record));
    this.feeds.add(feed);
    return feed;
  }

  async tombstoneStream(streamName: string): Promise<DeleteResult> {
    this.assertOpen();
    const stream = this.streams.get(streamName);
    if (stream?.tombstoned) throw StreamDeletedError.fromStreamName(streamName);
    const record = this.write(streamName, TOMBSTONE_REVISION, { type: '$streamDeleted', data: {} });
    const deleted = this.streams.get(streamName);
    if (deleted !== undefined) deleted.tombstoned = true;
    return { position: { commit: record.position, prepare: record.position } };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.feeds.forEach((feed) => feed.destroy());
    this.feeds.clear();
  }

  private assertOpen(): void {
    if (this.disposed) throw new UnavailableError(undefined, 'the client was disposed');
  }

  private repeated(record: LogRecord | undefined): AppendResult {
    if (record === undefined) throw new Error('a repeated append must point at recorded events');
    // An older server sends no position for a repeated append when it cannot find the event's.
    return this.result(record, record.position);
  }

  private result(record: LogRecord, position: bigint): AppendResult {
    return {
      success: true,
      nextExpectedRevision: record.revision,
      ...(!this.options.omitAppendPositions && { position: { commit: position, prepare: position } }),
    };
  }

  private write(
    streamId: string,
    revision: bigint,
    event: { id?: string; type: string; data: unknown; metadata?: MetadataType | undefined },
  ): LogRecord {
    const { id = randomUUID(), type, data, metadata } = event;
    if (metadata instanceof Uint8Array) throw new TypeError('the model stores JSON metadata only');
    const record: LogRecord = {
      position: this.nextPosition,
      streamId,
      revision,
      id: id.toLowerCase(),
      type,
      data: JSON.stringify(data),
      metadata: metadata === undefined ? undefined : JSON.stringify(metadata),
      created: this.now(),
    };
    this.nextPosition += BigInt(100 + record.data.length + (record.metadata?.length ?? 0));
    this.log.push(record);
    const stream = this.streams.get(streamId) ?? { records: [], tombstoned: false };
    this.streams.set(streamId, stream);
    if (revision !== TOMBSTONE_REVISION) stream.records.push(record);
    this.feeds.forEach((feed) => feed.offer(record));
    return record;
  }
}

/** A subscription: a readable of resolved events, fed as the log grows. */
class Feed extends Readable implements AllStreamFeed {
  constructor(
    private readonly accepts: Filter | undefined,
    private readonly onClose: () => void,
  ) {
    super({ objectMode: true, read: () => undefined });
    this.once('close', onClose);
  }

  offer(record: LogRecord): void {
    if (!this.destroyed && matches(this.accepts, record)) this.push({ event: toRecorded(record) });
  }

  async unsubscribe(): Promise<void> {
    this.onClose();
  }
}

function matches(filter: Filter | undefined, record: LogRecord): boolean {
  if (filter === undefined) return true;
  const value = filter.filterOn === EVENT_TYPE ? record.type : record.streamId;
  return 'prefixes' in filter
    ? filter.prefixes.some((prefix) => value.startsWith(prefix))
    : new RegExp(filter.regex).test(value);
}

function toRecorded(record: LogRecord): JSONRecordedEvent & { position: Position } {
  return {
    streamId: record.streamId,
    id: record.id,
    isJson: true,
    revision: record.revision,
    type: record.type,
    created: record.created,
    data: JSON.parse(record.data) as JSONType,
    metadata: record.metadata === undefined ? undefined : (JSON.parse(record.metadata) as MetadataType),
    position: { commit: record.position, prepare: record.position },
  };
}
