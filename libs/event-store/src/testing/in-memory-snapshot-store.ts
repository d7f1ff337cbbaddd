import type { Snapshot, SnapshotKey, SnapshotStore, StoredSnapshot } from '../snapshots/snapshot-store.port';

/** A {@link SnapshotStore} in a Map, for unit tests; it copies state through JSON like a database would. */
export class InMemorySnapshotStore implements SnapshotStore {
  private readonly snapshots = new Map<string, StoredSnapshot>();
  /** Every snapshot saved, in order; for assertions on the snapshot policy. */
  readonly saved: Snapshot[] = [];

  constructor(private readonly now: () => string = () => '2026-01-01T00:00:00.000Z') {}

  async load(key: SnapshotKey): Promise<StoredSnapshot | null> {
    const found = this.snapshots.get(keyOf(key));
    return found === undefined ? null : { ...found, state: structuredClone(found.state) };
  }

  async save(snapshot: Snapshot): Promise<void> {
    const current = this.snapshots.get(keyOf(snapshot));
    this.saved.push(snapshot);
    if (current !== undefined && current.version > snapshot.version) return;
    const state: unknown = JSON.parse(JSON.stringify(snapshot.state));
    this.snapshots.set(keyOf(snapshot), { ...snapshot, state, takenAt: this.now() });
  }
}

const keyOf = ({ tenantId, streamName, aggregateType }: SnapshotKey): string =>
  JSON.stringify([tenantId.toLowerCase(), streamName, aggregateType]);
