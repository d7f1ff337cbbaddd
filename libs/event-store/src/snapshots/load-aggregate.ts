import type { EventStore, RecordedEvent } from '../event-store.port';
import type { SnapshotStore } from './snapshot-store.port';

/** How an aggregate type is snapshotted: the same object goes to `loadAggregate` and `saveSnapshotIfDue`. */
export interface SnapshotPolicy {
  aggregateType: string;
  /** Version of the state's shape written now; snapshots of any other version are ignored. */
  snapshotSchemaVersion: number;
  /** Save a snapshot once this many events have been folded in since the last one (>= 1). */
  snapshotEvery: number;
}

export interface LoadAggregateOptions<TState> extends SnapshotPolicy {
  store: Pick<EventStore, 'readStream'>;
  snapshots: SnapshotStore;
  tenantId: string;
  streamName: string;
  evolve: (state: TState, event: RecordedEvent) => TState;
  initialState: () => TState;
}

export interface LoadedAggregate<TState> {
  state: TState;
  /** Stream version the state includes; 0 for a stream without events. */
  version: number;
  /** Version of the snapshot the state started from; 0 when it started from `initialState()`. */
  snapshotVersion: number;
}

/**
 * The aggregate's state: the latest usable snapshot plus the events after it, or all events from
 * `initialState()` when there is no snapshot or its schema version is not `snapshotSchemaVersion`.
 * Reads only; saving is {@link saveSnapshotIfDue}'s job.
 *
 * @example
 * ```ts
 * const policy = { aggregateType: 'order', snapshotSchemaVersion: 1, snapshotEvery: 50 };
 * const loaded = await loadAggregate({ store, snapshots, tenantId, streamName, evolve, initialState, ...policy });
 * const result = await store.appendToStream(tenantId, streamName, newEvents, { expectedVersion: loaded.version || 'no-stream' });
 * const state = recordedNewEvents.reduce(evolve, loaded.state);
 * await saveSnapshotIfDue({ snapshots, tenantId, streamName, state, version: result.nextExpectedVersion, snapshotVersion: loaded.snapshotVersion, ...policy });
 * ```
 */
export async function loadAggregate<TState>(
  options: LoadAggregateOptions<TState>,
): Promise<LoadedAggregate<TState>> {
  const { store, snapshots, tenantId, streamName, aggregateType, evolve, initialState } = options;
  const snapshot = await snapshots.load({ tenantId, streamName, aggregateType });
  const usable = snapshot !== null && snapshot.schemaVersion === options.snapshotSchemaVersion;
  const start = usable
    ? // the schema version is the contract on the stored shape: a known one is a TState
      { state: snapshot.state as TState, version: snapshot.version }
    : { state: initialState(), version: 0 };

  const events = await store.readStream(tenantId, streamName, { fromVersion: start.version + 1 });
  return {
    state: events.reduce(evolve, start.state),
    version: events.at(-1)?.streamVersion ?? start.version,
    snapshotVersion: start.version,
  };
}

export interface SaveSnapshotOptions<TState> extends SnapshotPolicy {
  snapshots: SnapshotStore;
  tenantId: string;
  streamName: string;
  state: TState;
  /** Stream version `state` includes. */
  version: number;
  /** Version of the snapshot the state was loaded from ({@link LoadedAggregate.snapshotVersion}). */
  snapshotVersion: number;
}

/** Whether `snapshotEvery` events have been folded in since the snapshot at `snapshotVersion`. */
export function isSnapshotDue(
  policy: Pick<SnapshotPolicy, 'snapshotEvery'>,
  version: number,
  snapshotVersion: number,
): boolean {
  if (!Number.isSafeInteger(policy.snapshotEvery) || policy.snapshotEvery < 1) {
    throw new TypeError(`snapshotEvery must be an integer >= 1; got ${String(policy.snapshotEvery)}`);
  }
  return version - snapshotVersion >= policy.snapshotEvery;
}

/** Saves a snapshot of `state` at `version` when {@link isSnapshotDue}; resolves to whether it did. */
export async function saveSnapshotIfDue<TState>(options: SaveSnapshotOptions<TState>): Promise<boolean> {
  const { snapshots, tenantId, streamName, aggregateType, state, version, snapshotVersion } = options;
  if (!isSnapshotDue(options, version, snapshotVersion)) return false;
  await snapshots.save({
    tenantId,
    streamName,
    aggregateType,
    version,
    schemaVersion: options.snapshotSchemaVersion,
    state,
  });
  return true;
}
