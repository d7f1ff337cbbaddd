import {
  KurrentDBClient,
  type AllStreamResolvedEvent,
  type AppendResult as KurrentAppendResult,
  type AppendToStreamOptions,
  type DeleteResult,
  type EventData,
  type ReadAllOptions as KurrentReadAllOptions,
  type ReadStreamOptions as KurrentReadStreamOptions,
  type ResolvedEvent,
  type SubscribeToAllOptions as KurrentSubscribeToAllOptions,
} from '@kurrent/kurrentdb-client';

/** A catch-up subscription to `$all` as the client returns it: a readable stream of resolved events. */
export interface AllStreamFeed extends AsyncIterable<AllStreamResolvedEvent> {
  /** Cancels the server-side subscription. */
  unsubscribe(): Promise<void>;
  /** Ends the local stream (a pending read rejects with a premature-close error). */
  destroy(error?: Error): unknown;
}

/**
 * The part of `KurrentDBClient` the store uses. The client satisfies it; unit tests pass an in-memory
 * model of it.
 */
export interface KurrentClient {
  appendToStream(
    streamName: string,
    events: EventData[],
    options: AppendToStreamOptions,
  ): Promise<KurrentAppendResult>;
  readStream(streamName: string, options: KurrentReadStreamOptions): AsyncIterable<ResolvedEvent>;
  readAll(options: KurrentReadAllOptions): AsyncIterable<AllStreamResolvedEvent>;
  subscribeToAll(options: KurrentSubscribeToAllOptions): AllStreamFeed;
  tombstoneStream(streamName: string): Promise<DeleteResult>;
  dispose(): Promise<void>;
}

/** A client for `connectionString` (`kurrentdb://…`, or the older `esdb://…`). Connects lazily. */
export const connectKurrentClient = (connectionString: string): KurrentClient =>
  KurrentDBClient.connectionString(toKurrentConnectionString(connectionString));

/**
 * `esdb://` and `esdb+discover://` are the former names of `kurrentdb://` and `kurrentdb+discover://`;
 * the client accepts them but warns on the console at every connection.
 */
export const toKurrentConnectionString = (connectionString: string): string =>
  connectionString.replace(
    /^esdb(\+discover)?:\/\//i,
    (_match, discover?: string) => `kurrentdb${discover ?? ''}://`,
  );
