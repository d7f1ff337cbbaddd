export * from './event-store.port';
export * from './errors';
export { EventStoreModule, type EventStoreModuleAsyncOptions } from './event-store.module';
export {
  PostgresEventStore,
  type PostgresEventStoreConfig,
  type PostgresEventStoreOptions,
} from './postgres/postgres-event-store';
export type { StreamAppend, StreamAppendOutcome } from './postgres/append-many';
export * from './eventstoredb/kurrent-event-store';
export {
  createUpcasterRegistry,
  NO_UPCASTING,
  type Upcastable,
  type Upcaster,
  type UpcasterRegistry,
} from './upcasting/upcaster-registry';
export type { Snapshot, SnapshotKey, SnapshotStore, StoredSnapshot } from './snapshots/snapshot-store.port';
export {
  isSnapshotDue,
  loadAggregate,
  saveSnapshotIfDue,
  type LoadAggregateOptions,
  type LoadedAggregate,
  type SaveSnapshotOptions,
  type SnapshotPolicy,
} from './snapshots/load-aggregate';
export { toNdjson } from './export/ndjson';
export { describeEventStoreContract, type EventStoreUnderTest } from './testing/event-store.contract';
export { InMemorySnapshotStore } from './testing/in-memory-snapshot-store';
