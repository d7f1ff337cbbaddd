import type { EventStore, ReadStreamOptions, RecordedEvent } from '../event-store.port';
import { InMemorySnapshotStore } from '../testing/in-memory-snapshot-store';
import { isSnapshotDue, loadAggregate, saveSnapshotIfDue, type SnapshotPolicy } from './load-aggregate';

const tenantId = '0b5c7a36-1c4e-4f4e-9a57-6c1b8f0d2e11';
const streamName = 'counter-1';

interface Counter {
  total: number;
  seen: number[];
}
const initialState = (): Counter => ({ total: 0, seen: [] });
const evolve = (state: Counter, event: RecordedEvent): Counter => {
  const { n } = event.data as { n: number };
  return { total: state.total + n, seen: [...state.seen, event.streamVersion] };
};

function recorded(version: number): RecordedEvent {
  return {
    eventId: `00000000-0000-4000-8000-${String(version).padStart(12, '0')}`,
    type: 'Added',
    data: { n: version * 10 },
    schemaVersion: 1,
    metadata: {
      tenantId,
      correlationId: 'c',
      causationId: 'c',
      actor: 'a',
      occurredAt: '2026-01-01T00:00:00Z',
    },
    tenantId,
    streamName,
    streamVersion: version,
    globalPosition: version,
    recordedAt: '2026-01-01T00:00:00.000Z',
  };
}

/** readStream over `count` events, recording the versions it was asked to start from. */
function streamOf(count: number) {
  const events = Array.from({ length: count }, (_, i) => recorded(i + 1));
  const readsFrom: number[] = [];
  const store: Pick<EventStore, 'readStream'> = {
    readStream: async (_tenant: string, _stream: string, options: ReadStreamOptions = {}) => {
      const from = options.fromVersion ?? 1;
      readsFrom.push(from);
      return events.filter((e) => e.streamVersion >= from);
    },
  };
  return { store, readsFrom };
}

const policy: SnapshotPolicy = { aggregateType: 'counter', snapshotSchemaVersion: 2, snapshotEvery: 3 };
const key = { tenantId, streamName, aggregateType: 'counter' };

describe('loadAggregate', () => {
  it('gives the same state and version with and without a snapshot, reading only the events after it', async () => {
    const { store, readsFrom } = streamOf(7);
    const snapshots = new InMemorySnapshotStore();
    const options = { store, snapshots, tenantId, streamName, evolve, initialState, ...policy };

    const withoutSnapshot = await loadAggregate(options);
    const atFive = (await loadAggregate({ ...options, store: streamOf(5).store })).state;
    await snapshots.save({ ...key, version: 5, schemaVersion: 2, state: atFive });
    const withSnapshot = await loadAggregate(options);

    expect(withSnapshot.state).toEqual(withoutSnapshot.state);
    expect(withoutSnapshot).toEqual({
      state: { total: 280, seen: [1, 2, 3, 4, 5, 6, 7] },
      version: 7,
      snapshotVersion: 0,
    });
    expect(withSnapshot).toMatchObject({ version: 7, snapshotVersion: 5 });
    expect(readsFrom).toEqual([1, 6]);
  });

  it('ignores a snapshot of an unknown schema version, without failing', async () => {
    const { store, readsFrom } = streamOf(4);
    const snapshots = new InMemorySnapshotStore();
    await snapshots.save({ ...key, version: 3, schemaVersion: 1, state: { legacy: true } });

    const loaded = await loadAggregate({
      store,
      snapshots,
      tenantId,
      streamName,
      evolve,
      initialState,
      ...policy,
    });

    expect(loaded).toEqual({ state: { total: 100, seen: [1, 2, 3, 4] }, version: 4, snapshotVersion: 0 });
    expect(readsFrom).toEqual([1]);
  });

  it('returns the initial state at version 0 for a stream without events', async () => {
    const loaded = await loadAggregate({
      store: streamOf(0).store,
      snapshots: new InMemorySnapshotStore(),
      tenantId,
      streamName,
      evolve,
      initialState,
      ...policy,
    });

    expect(loaded).toEqual({ state: initialState(), version: 0, snapshotVersion: 0 });
  });

  it('keeps the snapshot version when no event follows the snapshot', async () => {
    const snapshots = new InMemorySnapshotStore();
    const state = { total: 60, seen: [1, 2, 3] };
    await snapshots.save({ ...key, version: 3, schemaVersion: 2, state });

    const loaded = await loadAggregate({
      store: streamOf(3).store,
      snapshots,
      tenantId,
      streamName,
      evolve,
      initialState,
      ...policy,
    });

    expect(loaded).toEqual({ state, version: 3, snapshotVersion: 3 });
  });
});

describe('snapshot every N events', () => {
  it.each([
    [2, 0, false],
    [3, 0, true],
    [5, 3, false],
    [6, 3, true],
    [10, 3, true],
  ])('at version %d after a snapshot at %d, is due: %s', (version, snapshotVersion, due) => {
    expect(isSnapshotDue(policy, version, snapshotVersion)).toBe(due);
  });

  it('refuses an interval below 1', () => {
    expect(() => isSnapshotDue({ snapshotEvery: 0 }, 5, 0)).toThrow(TypeError);
  });

  it('saves once N events have been folded in since the last snapshot, with the current schema version', async () => {
    const snapshots = new InMemorySnapshotStore();
    const versionsAfterAppends = [1, 2, 4, 5, 6, 7, 9, 10];
    let snapshotVersion = 0;
    for (const version of versionsAfterAppends) {
      const state = { total: version, seen: [] };
      const saved = await saveSnapshotIfDue({
        snapshots,
        tenantId,
        streamName,
        state,
        version,
        snapshotVersion,
        ...policy,
      });
      if (saved) snapshotVersion = version;
    }

    expect(snapshots.saved.map((s) => [s.version, s.schemaVersion])).toEqual([
      [4, 2],
      [7, 2],
      [10, 2],
    ]);
    expect(await snapshots.load(key)).toMatchObject({ version: 10, state: { total: 10 } });
  });
});
