import { DatabaseError, Pool, type PoolClient } from 'pg';
import type {
  AllSubscription,
  AppendResult,
  EventStore,
  ExpectedVersion,
  GlobalEvent,
  NewEvent,
  PurgeResult,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
} from '../event-store.port';
import { DuplicateEventIdError } from '../errors';
import {
  assertExpectedVersion,
  assertNewEvents,
  assertStreamName,
  assertTenantId,
  toReadRange,
} from '../guards';
import { type CheckedAllFilter, toCheckedAllFilter, toCheckedReadAll } from '../global-log/all-filter';
import { catchUpRead } from '../global-log/catch-up-read';
import { type PollingOptions, startPollingSubscription } from '../global-log/polling-subscription';
import type { SnapshotStore } from '../snapshots/snapshot-store.port';
import { NO_UPCASTING, type UpcasterRegistry } from '../upcasting/upcaster-registry';
import { appendToStream } from './append';
import { appendManyWithin, type StreamAppend, type StreamAppendOutcome } from './append-many';
import { AppendListener } from './append-listener';
import { AppendNotifier, appendedChannel } from './append-notifier';
import { parseCheckpoint } from './checkpoint';
import { PostgresGlobalLog } from './postgres-global-log';
import { PostgresSnapshotStore } from './postgres-snapshot-store';
import { purgeTenant } from './purge-tenant';
import { type EventRow, toRecordedEvent } from './row-mapping';
import { DEFAULT_SCHEMA, assertSchemaName, migrationLockKey, schemaDdl } from './schema.sql';
import { type SqlExecutor, createSqlExecutor } from './sql-executor';
import { readStreamStatement } from './statements';
import { migrateUnderLock } from '@platform/postgres-kit';

export interface PostgresEventStoreOptions {
  /** PostgreSQL schema holding the store's tables; default `event_store`. */
  schema?: string;
  /** Brings events of older schema versions to the current shape on every read. */
  upcasters?: UpcasterRegistry;
  /**
   * Shared mode: {@link PostgresEventStore.migrate} switches row-level security on for the tenant
   * tables, and every tenant-scoped call sets `app.tenant_id` in its transaction (two more round
   * trips each). Connect as a role that is not the tables' owner, or RLS does not apply. Calls for no
   * tenant (`readAll` / `subscribeToAll` without `tenantId`) see nothing then: the system path (relay,
   * cross-tenant exports) connects as the owner or a BYPASSRLS role. Default off.
   */
  rowLevelSecurity?: boolean;
  /** Events read per query by `readAll`, `subscribeToAll` and `exportTenant`; default 500. */
  readBatchSize?: number;
  /**
   * How often a live subscription reads while events are held back by an older running transaction
   * (and, with `wakeOnAppend: false`, how often it reads at all), in ms; default 100.
   */
  pollIntervalMs?: number;
  /**
   * Wake-up on append (ADR 0016), default on: every append is announced after its commit on the
   * channel `<schema>_appended` (`pg_notify` on a connection of the store's own, coalesced), and a
   * live subscription reads when it hears one, on a `LISTEN` connection of the store's own (one per
   * store, while a subscription is live). It still reads every `fallbackPollMs` (default 2000) when
   * nothing wakes it, for appends made elsewhere without a notification or missed while reconnecting.
   * `false`: subscriptions poll every `pollIntervalMs` and appends announce nothing.
   */
  wakeOnAppend?: boolean | { fallbackPollMs?: number };
}

export interface PostgresEventStoreConfig extends PostgresEventStoreOptions {
  connectionString: string;
  /** Maximum number of pooled connections; default 10. */
  poolSize?: number;
}

/**
 * {@link EventStore} on PostgreSQL: one `streams` row per stream, one `events` row per event, the
 * global log ordered by (transaction id, position) and read below the oldest running transaction
 * (ADR 0005), snapshots beside them.
 */
export class PostgresEventStore implements EventStore {
  private readonly schema: string;
  private readonly executor: SqlExecutor;
  private readonly upcasters: UpcasterRegistry;
  private readonly rowLevelSecurity: boolean;
  private readonly readBatchSize: number;
  private readonly pollIntervalMs: number;
  private readonly fallbackPollMs: number | undefined;
  private readonly notifier: AppendNotifier | undefined;
  private readonly listener: AppendListener | undefined;
  private readonly subscriptions = new Set<AllSubscription>();
  private ownsPool = false;
  private ending: Promise<void> | undefined;

  constructor(
    private readonly pool: Pool,
    options: PostgresEventStoreOptions = {},
  ) {
    this.schema = assertSchemaName(options.schema ?? DEFAULT_SCHEMA);
    this.rowLevelSecurity = options.rowLevelSecurity === true;
    this.executor = createSqlExecutor(pool, this.rowLevelSecurity);
    this.upcasters = options.upcasters ?? NO_UPCASTING;
    this.readBatchSize = positiveInteger(options.readBatchSize ?? 500, 'readBatchSize');
    this.pollIntervalMs = positiveInteger(options.pollIntervalMs ?? 100, 'pollIntervalMs');
    const wake = options.wakeOnAppend ?? true;
    if (wake !== false) {
      const fallback = wake === true ? undefined : wake.fallbackPollMs;
      this.fallbackPollMs = positiveInteger(fallback ?? 2_000, 'fallbackPollMs');
      const channel = appendedChannel(this.schema);
      this.notifier = new AppendNotifier(pool.options, channel);
      this.listener = new AppendListener(pool.options, channel);
    }
  }

  /** A store on its own pool, which {@link close} ends. Call {@link migrate} before use. */
  static async create(config: PostgresEventStoreConfig): Promise<PostgresEventStore> {
    const { connectionString, poolSize, ...options } = config;
    const pool = new Pool({ connectionString, max: poolSize ?? 10 });
    // An idle connection that fails is dropped by the pool and replaced on the next query; without a
    // listener its 'error' event would crash the process. ping() reports a lasting outage.
    pool.on('error', () => undefined);
    const store = new PostgresEventStore(pool, options);
    store.ownsPool = true;
    return store;
  }

  /** Creates or updates the schema. Idempotent; concurrent calls from several processes are safe. */
  async migrate(): Promise<void> {
    await migrateUnderLock(
      this.pool,
      migrationLockKey(this.schema),
      schemaDdl(this.schema, { rowLevelSecurity: this.rowLevelSecurity }),
    );
  }

  async appendToStream(
    tenantId: string,
    streamName: string,
    events: readonly NewEvent[],
    options: { expectedVersion: ExpectedVersion },
  ): Promise<AppendResult> {
    assertTenantId(tenantId);
    assertStreamName(streamName);
    assertExpectedVersion(options.expectedVersion);
    assertNewEvents(tenantId, events);
    const result = await appendToStream(
      this.executor,
      this.schema,
      tenantId,
      streamName,
      events,
      options.expectedVersion,
    );
    this.notifier?.notify();
    return result;
  }

  /**
   * PostgreSQL only: appends inside the caller's open transaction on `client`, so the events commit
   * (or roll back) together with the caller's other writes in the same database, e.g. a registry row
   * and its audit record. Same checks and result as {@link appendToStream}; a recorded event id
   * aborts the transaction, so a repeat cannot be told from a reused id here: both are
   * {@link DuplicateEventIdError}. Not available with row-level security (the caller owns the
   * transaction and must set `app.tenant_id` itself). Subscribers are woken when the transaction on
   * `client` ends (ADR 0016).
   *
   * @example
   * await audit.withAudit(tenantId, record, (tx) => store.appendWithin(tx, tenantId, stream, events, { expectedVersion: 3 }));
   */
  async appendWithin(
    client: PoolClient,
    tenantId: string,
    streamName: string,
    events: readonly NewEvent[],
    options: { expectedVersion: ExpectedVersion },
  ): Promise<AppendResult> {
    assertTenantId(tenantId);
    assertStreamName(streamName);
    assertExpectedVersion(options.expectedVersion);
    assertNewEvents(tenantId, events);
    const executor: SqlExecutor = {
      query: (statement) => client.query(statement),
      transaction: (_tenant, work) => work(client),
    };
    try {
      const result = await appendToStream(
        executor,
        this.schema,
        tenantId,
        streamName,
        events,
        options.expectedVersion,
      );
      if (this.notifier !== undefined) notifyWhenTransactionEnds(client, this.notifier);
      return result;
    } catch (error) {
      if (error instanceof DatabaseError && error.code === '25P02') {
        throw new DuplicateEventIdError(
          tenantId,
          streamName,
          events.map((event) => event.eventId),
        );
      }
      throw error;
    }
  }

  /**
   * PostgreSQL only: several appends (of one or several tenants) inside the caller's open transaction
   * in ONE round trip, each with its own outcome: a version conflict refuses that append alone (it
   * writes nothing), the others go on. The command service's group commit (ADR 0018). A recorded
   * event id aborts the transaction ({@link DuplicateEventIdError}). Not available with row-level
   * security. Subscribers are woken when the transaction on `client` ends.
   *
   * @example
   * const [first, second] = await store.appendManyWithin(tx, [
   *   { tenantId, streamName: 'order-1', events: [itemAdded], expectedVersion: 3 },
   *   { tenantId: other, streamName: 'order-9', events: [created], expectedVersion: 'no-stream' },
   * ]);
   * if (!first.ok) throw first.error; // WrongExpectedVersionError
   */
  async appendManyWithin(
    client: PoolClient,
    appends: readonly StreamAppend[],
  ): Promise<StreamAppendOutcome[]> {
    for (const append of appends) {
      assertTenantId(append.tenantId);
      assertStreamName(append.streamName);
      assertExpectedVersion(append.expectedVersion);
      assertNewEvents(append.tenantId, append.events);
    }
    try {
      const outcomes = await appendManyWithin(client, this.schema, appends);
      if (this.notifier !== undefined) notifyWhenTransactionEnds(client, this.notifier);
      return outcomes;
    } catch (error) {
      if (error instanceof DatabaseError && (error.code === '23505' || error.code === '25P02')) {
        const first = appends[0];
        throw new DuplicateEventIdError(
          first?.tenantId ?? '',
          first?.streamName ?? '',
          appends.flatMap((append) => append.events.map((event) => event.eventId)),
        );
      }
      throw error;
    }
  }

  async readStream(
    tenantId: string,
    streamName: string,
    options?: ReadStreamOptions,
  ): Promise<RecordedEvent[]> {
    assertTenantId(tenantId);
    assertStreamName(streamName);
    const statement = readStreamStatement(this.schema, tenantId, streamName, toReadRange(options));
    const { rows } = await this.executor.query<EventRow>(statement, tenantId);
    return rows.map((row) => this.upcasters.upcast(toRecordedEvent(row)));
  }

  /**
   * Checks its arguments at once (a TypeError here, not on the first `next()`), then reads lazily,
   * up to the last matching event committed when the iteration starts.
   */
  readAll(options: ReadAllOptions = {}): AsyncIterable<GlobalEvent> {
    const { filter, maxCount } = toCheckedReadAll(options);
    if (options.from !== undefined) parseCheckpoint(options.from);
    return catchUpRead(this.globalLog(filter), options.from, maxCount, this.polling());
  }

  subscribeToAll(options: SubscribeToAllOptions): AllSubscription {
    const filter = toCheckedAllFilter(options.filter);
    if (options.fromCheckpoint !== undefined) parseCheckpoint(options.fromCheckpoint);
    if (typeof options.handler !== 'function') throw new TypeError('subscribeToAll needs a handler');
    const wake = this.listener?.acquire();
    const polling: PollingOptions = {
      ...this.polling(),
      ...(wake !== undefined &&
        this.fallbackPollMs !== undefined && {
          wake: { signal: wake.signal, fallbackPollMs: this.fallbackPollMs },
        }),
    };
    const subscription = startPollingSubscription(this.globalLog(filter), options, polling);
    const stop = async (): Promise<void> => {
      await subscription.stop();
      await wake?.release();
    };
    const handle: AllSubscription = { caughtUp: subscription.caughtUp, stop };
    this.subscriptions.add(handle);
    return {
      caughtUp: subscription.caughtUp,
      stop: async () => {
        this.subscriptions.delete(handle);
        await stop();
      },
    };
  }

  exportTenant(tenantId: string): AsyncIterable<GlobalEvent> {
    assertTenantId(tenantId);
    return this.readAll({ tenantId });
  }

  async purgeTenant(tenantId: string): Promise<PurgeResult> {
    assertTenantId(tenantId);
    return purgeTenant(this.executor, this.schema, tenantId);
  }

  /**
   * Bytes the tenant's events and snapshots take (the size of their rows; the shared indexes are not
   * apportioned): what its storage quota counts of the event store.
   */
  async tenantStorageBytes(tenantId: string): Promise<number> {
    assertTenantId(tenantId);
    const { rows } = await this.executor.query<{ bytes: string }>(
      {
        text:
          `select (select coalesce(sum(pg_column_size(e.*)), 0) from "${this.schema}".events e where e.tenant_id = $1)` +
          ` + (select coalesce(sum(pg_column_size(s.*)), 0) from "${this.schema}".snapshots s where s.tenant_id = $1)` +
          ' as bytes',
        values: [tenantId],
      },
      tenantId,
    );
    return Number(rows[0]?.bytes ?? 0);
  }

  /** Snapshots in this store's schema, on its pool, with its row-level security setting. */
  snapshotStore(): SnapshotStore {
    return new PostgresSnapshotStore(this.executor, this.schema);
  }

  async ping(): Promise<void> {
    await this.pool.query('select 1');
  }

  /**
   * Stops the store's subscriptions, and ends the pool if {@link create} made it; a pool passed to the
   * constructor stays open.
   */
  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    this.subscriptions.clear();
    await this.notifier?.close();
    if (!this.ownsPool) return;
    this.ending ??= this.pool.end();
    await this.ending;
  }

  private polling(): PollingOptions {
    return { batchSize: this.readBatchSize, pollIntervalMs: this.pollIntervalMs };
  }

  private globalLog(filter: CheckedAllFilter): PostgresGlobalLog {
    return new PostgresGlobalLog(this.executor, this.schema, filter, this.upcasters);
  }
}

/** Per notifier, the clients whose transaction's end it awaits already (see notifyWhenTransactionEnds). */
const waitingClients = new WeakMap<AppendNotifier, WeakSet<PoolClient>>();

/**
 * Notifies once the transaction on `client` has ended: pg emits `drain` after each reply once its
 * queue is empty, and the transaction status is idle (`I`) after the commit (or a rollback: a
 * needless wake-up, harmless). A client outside a transaction committed with the append itself.
 */
function notifyWhenTransactionEnds(client: PoolClient, notifier: AppendNotifier): void {
  if (client.getTransactionStatus() === 'I') {
    notifier.notify();
    return;
  }
  // one wait per transaction: a long one with many appends (a tenant import) adds no more listeners
  const waiting = waitingClients.get(notifier) ?? new WeakSet<PoolClient>();
  waitingClients.set(notifier, waiting);
  if (waiting.has(client)) return;
  waiting.add(client);
  const events = client as unknown as NodeJS.EventEmitter;
  const ended = (): void => {
    waiting.delete(client);
    events.off('drain', drained);
    events.off('end', ended);
  };
  const drained = (): void => {
    if (client.getTransactionStatus() !== 'I') return;
    ended();
    notifier.notify();
  };
  events.on('drain', drained);
  events.on('end', ended);
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`${name} must be an integer >= 1`);
  return value;
}
