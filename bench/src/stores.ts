import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { isExpectedVersionConflictError } from '@event-driven-io/emmett';
import {
  getPostgreSQLEventStore,
  readMessagesBatch,
  type PostgresEventStore as EmmettStore,
} from '@event-driven-io/emmett-postgresql';
import { dumbo, type Dumbo } from '@event-driven-io/dumbo';
import {
  PostgresEventStore,
  WrongExpectedVersionError,
  loadAggregate,
  type SnapshotStore,
} from '@platform/event-store';
import {
  type EmmettItemAdded,
  type OrderState,
  emmettEvents,
  evolveOrder,
  initialOrder,
  ourEvents,
} from './events';

export type Side = 'ours' | 'peer';

export type AppendOutcome = { ok: true; nextVersion: number } | { ok: false };

/**
 * What the scenarios do to a store, implemented once per store with its public API only, so each
 * scenario is one piece of code run against both.
 */
export interface BenchStore {
  readonly side: Side;
  readonly label: string;
  newStreamName(): string;
  /**
   * Appends `count` events in one call, expecting the stream at `expectedVersion` (0: it must not
   * exist). A lost optimistic-concurrency race is `{ ok: false }`, not an error.
   */
  append(streamName: string, count: number, expectedVersion: number): Promise<AppendOutcome>;
  /** Reads the stream from version `fromVersion` on; the last version read, or `fromVersion - 1`. */
  catchUp(streamName: string, fromVersion: number): Promise<number>;
  /** Reads the whole stream; the number of events. */
  readWhole(streamName: string): Promise<number>;
  /**
   * The folded state and its version, through the store's own aggregate loading. Ours: loadAggregate,
   * which looks for a snapshot first; with `useSnapshot: false` it asks for an aggregate type that has
   * none, so it pays the lookup and folds every event. Emmett: aggregateStream (no snapshots).
   */
  aggregate(
    streamName: string,
    options: { useSnapshot: boolean },
  ): Promise<{ version: number; state: OrderState }>;
  /** Stores a snapshot, where the store has them (ours); false where it has none (Emmett 0.42). */
  saveSnapshot(streamName: string, version: number, state: OrderState): Promise<boolean>;
  /** Reads the whole global log in batches of `batchSize`; the number of events. */
  readAll(batchSize: number): Promise<number>;
  close(): Promise<void>;
}

const AGGREGATE = { aggregateType: 'order', snapshotSchemaVersion: 1, snapshotEvery: 100 } as const;
/** An aggregate type no snapshot is ever saved for. */
const NO_SNAPSHOT_TYPE = 'order-without-snapshots';

/** Our PostgreSQL store, on a fresh schema (dropped first), with a pool of `poolSize` connections. */
export async function openOurs(options: {
  databaseUrl: string;
  admin: Pool;
  schema: string;
  poolSize: number;
  readBatchSize?: number;
}): Promise<BenchStore & { store: PostgresEventStore; tenantId: string }> {
  await options.admin.query(`drop schema if exists "${options.schema}" cascade`);
  const store = await PostgresEventStore.create({
    connectionString: options.databaseUrl,
    schema: options.schema,
    poolSize: options.poolSize,
    readBatchSize: options.readBatchSize ?? 500,
  });
  await store.migrate();
  const snapshots: SnapshotStore = store.snapshotStore();
  const tenantId = randomUUID();
  return {
    side: 'ours',
    label: 'ours',
    store,
    tenantId,
    newStreamName: () => `order-${randomUUID()}`,
    async append(streamName, count, expectedVersion) {
      try {
        const result = await store.appendToStream(
          tenantId,
          streamName,
          ourEvents(tenantId, streamName, expectedVersion, count),
          { expectedVersion: expectedVersion === 0 ? 'no-stream' : expectedVersion },
        );
        return { ok: true, nextVersion: result.nextExpectedVersion };
      } catch (error) {
        if (error instanceof WrongExpectedVersionError) return { ok: false };
        throw error;
      }
    },
    async catchUp(streamName, fromVersion) {
      const events = await store.readStream(tenantId, streamName, { fromVersion });
      return events.at(-1)?.streamVersion ?? fromVersion - 1;
    },
    async readWhole(streamName) {
      return (await store.readStream(tenantId, streamName)).length;
    },
    async aggregate(streamName, { useSnapshot }) {
      const loaded = await loadAggregate<OrderState>({
        store,
        snapshots,
        tenantId,
        streamName,
        evolve: (state, event) => evolveOrder(state, event.data),
        initialState: initialOrder,
        ...AGGREGATE,
        aggregateType: useSnapshot ? AGGREGATE.aggregateType : NO_SNAPSHOT_TYPE,
      });
      return { version: loaded.version, state: loaded.state };
    },
    async saveSnapshot(streamName, version, state) {
      await snapshots.save({
        tenantId,
        streamName,
        aggregateType: AGGREGATE.aggregateType,
        version,
        schemaVersion: AGGREGATE.snapshotSchemaVersion,
        state,
      });
      return true;
    },
    async readAll() {
      // the batch size is the store's readBatchSize option
      let count = 0;
      for await (const _event of store.readAll()) count += 1;
      return count;
    },
    close: () => store.close(),
  };
}

/**
 * Emmett's PostgreSQL store (`getPostgreSQLEventStore`) in its own database, emptied with its own
 * `schema.dangerous.truncate`, on a `pg` pool of `poolSize` connections (the same size as ours).
 */
export async function openEmmett(options: {
  databaseUrl: string;
  poolSize: number;
}): Promise<BenchStore & { store: EmmettStore }> {
  const pool = new Pool({ connectionString: options.databaseUrl, max: options.poolSize });
  pool.on('error', () => undefined);
  const db: Dumbo = dumbo({ connectionString: options.databaseUrl, pool });
  const store = getPostgreSQLEventStore(options.databaseUrl, { connectionOptions: { dumbo: db } });
  await store.schema.migrate();
  await store.schema.dangerous.truncate({ resetSequences: true });
  const tenantId = randomUUID();
  return {
    side: 'peer',
    label: 'emmett-postgresql',
    store,
    newStreamName: () => `order-${randomUUID()}`,
    async append(streamName, count, expectedVersion) {
      try {
        const result = await store.appendToStream<EmmettItemAdded>(
          streamName,
          emmettEvents(tenantId, streamName, expectedVersion, count),
          { expectedStreamVersion: BigInt(expectedVersion) },
        );
        return { ok: true, nextVersion: Number(result.nextExpectedStreamVersion) };
      } catch (error) {
        if (isExpectedVersionConflictError(error)) return { ok: false };
        throw error;
      }
    },
    async catchUp(streamName, fromVersion) {
      const { events } = await store.readStream<EmmettItemAdded>(streamName, { from: BigInt(fromVersion) });
      const last = events.at(-1);
      return last === undefined ? fromVersion - 1 : Number(last.metadata.streamPosition);
    },
    async readWhole(streamName) {
      return (await store.readStream<EmmettItemAdded>(streamName)).events.length;
    },
    async aggregate(streamName) {
      const result = await store.aggregateStream<OrderState, EmmettItemAdded>(streamName, {
        evolve: (state: OrderState, event: EmmettItemAdded) => evolveOrder(state, event.data),
        initialState: initialOrder,
      });
      return { version: Number(result.currentStreamVersion), state: result.state };
    },
    saveSnapshot: async () => false,
    async readAll(batchSize) {
      // Emmett's global-log read (what its consumers' batch puller calls), in batches of batchSize
      let count = 0;
      let after = 0n;
      for (;;) {
        const batch = await readMessagesBatch<EmmettItemAdded>(db.execute, { after, batchSize });
        count += batch.messages.length;
        if (batch.messages.length === 0 || !batch.areMessagesLeft) return count;
        after = batch.currentGlobalPosition;
      }
    },
    async close() {
      await store.close();
      await pool.end().catch(() => undefined);
    },
  };
}
