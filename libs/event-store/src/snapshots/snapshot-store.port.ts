/** Where a snapshot belongs: one per tenant, stream and aggregate type. */
export interface SnapshotKey {
  tenantId: string;
  streamName: string;
  aggregateType: string;
}

/** The state of an aggregate after the event at `version` of its stream. */
export interface Snapshot<TState = unknown> extends SnapshotKey {
  /** Stream version the state includes (the last event folded in). */
  version: number;
  /** Version of the state's shape; a reader ignores a snapshot whose version it does not know. */
  schemaVersion: number;
  /** Any JSON-serialisable value. */
  state: TState;
}

/** A snapshot as stored. */
export interface StoredSnapshot extends Snapshot {
  /** ISO-8601 instant at which it was saved. */
  takenAt: string;
}

/**
 * Latest-snapshot-per-aggregate storage, beside an {@link EventStore}. Snapshots are a cache: losing
 * one costs a longer replay, never a wrong state.
 *
 * @example
 * ```ts
 * const snapshots = store.snapshotStore();
 * await snapshots.save({ tenantId, streamName: 'order-42', aggregateType: 'order', version: 100, schemaVersion: 2, state });
 * const latest = await snapshots.load({ tenantId, streamName: 'order-42', aggregateType: 'order' });
 * ```
 */
export interface SnapshotStore {
  /** The latest snapshot, or `null`. */
  load(key: SnapshotKey): Promise<StoredSnapshot | null>;
  /** Stores `snapshot` unless one at a higher version is stored already (it never goes back). */
  save(snapshot: Snapshot): Promise<void>;
}
