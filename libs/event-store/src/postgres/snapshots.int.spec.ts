import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '../event-store.port';
import { loadAggregate, saveSnapshotIfDue, type SnapshotPolicy } from '../snapshots/load-aggregate';
import type { SnapshotStore } from '../snapshots/snapshot-store.port';
import { newEvent, newStreamName } from '../testing/contract/fixtures';
import { TEST_DATABASE_URL, dropSchema, randomTestSchema } from '../testing/postgres-test-schema';
import { PostgresEventStore } from './postgres-event-store';

interface Tally {
  sum: number;
  count: number;
}
const initialState = (): Tally => ({ sum: 0, count: 0 });
const evolve = (state: Tally, event: RecordedEvent): Tally => ({
  sum: state.sum + (event.data as { n: number }).n,
  count: state.count + 1,
});
const policy: SnapshotPolicy = { aggregateType: 'tally', snapshotSchemaVersion: 1, snapshotEvery: 4 };

describe('snapshots on PostgreSQL', () => {
  const schema = randomTestSchema();
  let store: PostgresEventStore;
  let snapshots: SnapshotStore;

  beforeAll(async () => {
    store = await PostgresEventStore.create({ connectionString: TEST_DATABASE_URL, schema });
    await store.migrate();
    snapshots = store.snapshotStore();
  });

  afterAll(async () => {
    await store.close();
    await dropSchema(schema);
  });

  async function givenTally(count: number): Promise<{ tenantId: string; streamName: string }> {
    const tenantId = randomUUID();
    const streamName = newStreamName();
    const events = Array.from({ length: count }, (_, i) => newEvent(tenantId, { n: i + 1 }));
    await store.appendToStream(tenantId, streamName, events, { expectedVersion: 'no-stream' });
    return { tenantId, streamName };
  }

  it('stores the latest snapshot per tenant, stream and aggregate type, and never goes back', async () => {
    const key = { tenantId: randomUUID(), streamName: 'order-1', aggregateType: 'order' };
    expect(await snapshots.load(key)).toBeNull();

    await snapshots.save({ ...key, version: 10, schemaVersion: 2, state: { at: 10 } });
    await snapshots.save({ ...key, version: 5, schemaVersion: 2, state: { at: 5 } });
    await snapshots.save({ ...key, aggregateType: 'audit', version: 1, schemaVersion: 1, state: [] });

    expect(await snapshots.load(key)).toEqual({
      ...key,
      version: 10,
      schemaVersion: 2,
      state: { at: 10 },
      takenAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(await snapshots.load({ ...key, aggregateType: 'audit' })).toMatchObject({ version: 1, state: [] });
    expect(await snapshots.load({ ...key, tenantId: randomUUID() })).toBeNull();
  });

  it('loads the same state with and without a snapshot, every N events', async () => {
    const { tenantId, streamName } = await givenTally(10);
    const options = { store, snapshots, tenantId, streamName, evolve, initialState, ...policy };

    const replayed = await loadAggregate(options);
    const saved = await saveSnapshotIfDue({ ...options, ...replayed });
    const fromSnapshot = await loadAggregate(options);
    await store.appendToStream(tenantId, streamName, [newEvent(tenantId, { n: 100 })], {
      expectedVersion: 10,
    });
    const afterMore = await loadAggregate(options);

    expect(replayed).toEqual({ state: { sum: 55, count: 10 }, version: 10, snapshotVersion: 0 });
    expect(saved).toBe(true);
    expect(fromSnapshot).toEqual({ ...replayed, snapshotVersion: 10 });
    expect(afterMore).toEqual({ state: { sum: 155, count: 11 }, version: 11, snapshotVersion: 10 });
    expect(await saveSnapshotIfDue({ ...options, ...afterMore })).toBe(false);
  });

  it('ignores a snapshot of an unknown schema version', async () => {
    const { tenantId, streamName } = await givenTally(3);
    await snapshots.save({
      tenantId,
      streamName,
      aggregateType: 'tally',
      version: 3,
      schemaVersion: 9,
      state: 'junk',
    });

    const loaded = await loadAggregate({
      store,
      snapshots,
      tenantId,
      streamName,
      evolve,
      initialState,
      ...policy,
    });

    expect(loaded).toEqual({ state: { sum: 6, count: 3 }, version: 3, snapshotVersion: 0 });
  });

  it("purges a tenant's snapshots with its streams", async () => {
    const { tenantId, streamName } = await givenTally(1);
    const key = { tenantId, streamName, aggregateType: 'tally' };
    await snapshots.save({ ...key, version: 1, schemaVersion: 1, state: { sum: 1, count: 1 } });

    await store.purgeTenant(tenantId);

    expect(await snapshots.load(key)).toBeNull();
  });

  it('refuses an invalid snapshot before touching the database', async () => {
    const key = { tenantId: randomUUID(), streamName: 's', aggregateType: 'tally' };
    await expect(snapshots.save({ ...key, version: 0, schemaVersion: 1, state: {} })).rejects.toThrow(
      TypeError,
    );
    await expect(
      snapshots.save({ ...key, tenantId: 'x', version: 1, schemaVersion: 1, state: {} }),
    ).rejects.toThrow(TypeError);
    await expect(snapshots.load({ ...key, aggregateType: '' })).rejects.toThrow(TypeError);
  });
});
