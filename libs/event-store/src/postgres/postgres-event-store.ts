import { Pool } from 'pg';
import type {
  AppendResult,
  EventStore,
  ExpectedVersion,
  NewEvent,
  ReadStreamOptions,
  RecordedEvent,
} from '../event-store.port';
import { WrongExpectedVersionError } from '../errors';
import { toAppendCondition } from '../expected-version';
import {
  assertExpectedVersion,
  assertNewEvents,
  assertStreamName,
  assertTenantId,
  toReadRange,
} from '../guards';
import { type EventRow, toAppendArrays, toRecordedEvent, toSafeInteger } from './row-mapping';
import { DEFAULT_SCHEMA, assertSchemaName, migrationLockKey, schemaDdl } from './schema.sql';
import { type AppendRow, appendStatement, readStreamStatement } from './statements';

export interface PostgresEventStoreOptions {
  /** PostgreSQL schema holding the store's tables; default `event_store`. */
  schema?: string;
}

export interface PostgresEventStoreConfig extends PostgresEventStoreOptions {
  connectionString: string;
  /** Maximum number of pooled connections; default 10. */
  poolSize?: number;
}

/** {@link EventStore} on PostgreSQL: one `streams` row per stream, one `events` row per event. */
export class PostgresEventStore implements EventStore {
  private readonly schema: string;
  private ownsPool = false;
  private ending: Promise<void> | undefined;

  constructor(
    private readonly pool: Pool,
    options: PostgresEventStoreOptions = {},
  ) {
    this.schema = assertSchemaName(options.schema ?? DEFAULT_SCHEMA);
  }

  /** A store on its own pool, which {@link close} ends. Call {@link migrate} before use. */
  static async create(config: PostgresEventStoreConfig): Promise<PostgresEventStore> {
    const pool = new Pool({ connectionString: config.connectionString, max: config.poolSize ?? 10 });
    // An idle connection that fails is dropped by the pool and replaced on the next query; without a
    // listener its 'error' event would crash the process. ping() reports a lasting outage.
    pool.on('error', () => undefined);
    const store = new PostgresEventStore(pool, { schema: config.schema ?? DEFAULT_SCHEMA });
    store.ownsPool = true;
    return store;
  }

  /** Creates or updates the schema. Idempotent; concurrent calls from several processes are safe. */
  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    let failed = false;
    try {
      await client.query('begin');
      await client.query('select pg_advisory_xact_lock(hashtext($1))', [migrationLockKey(this.schema)]);
      await client.query(schemaDdl(this.schema));
      await client.query('commit');
    } catch (error) {
      failed = true;
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release(failed);
    }
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
    const statement = appendStatement(
      this.schema,
      tenantId,
      streamName,
      toAppendCondition(options.expectedVersion),
      toAppendArrays(events),
    );
    const [row] = (await this.pool.query<AppendRow>(statement)).rows;
    if (row === undefined) throw new Error('append_to_stream returned no row');
    if (!row.ok) {
      const actual = toSafeInteger(row.actual_version, 'actual_version');
      throw new WrongExpectedVersionError(tenantId, streamName, options.expectedVersion, actual);
    }
    return {
      nextExpectedVersion: toSafeInteger(row.next_version ?? row.actual_version, 'next_version'),
      lastPosition: toSafeInteger(row.last_position ?? 0, 'last_position'),
    };
  }

  async readStream(
    tenantId: string,
    streamName: string,
    options?: ReadStreamOptions,
  ): Promise<RecordedEvent[]> {
    assertTenantId(tenantId);
    assertStreamName(streamName);
    const statement = readStreamStatement(this.schema, tenantId, streamName, toReadRange(options));
    const { rows } = await this.pool.query<EventRow>(statement);
    return rows.map(toRecordedEvent);
  }

  async ping(): Promise<void> {
    await this.pool.query('select 1');
  }

  /** Ends the pool if {@link create} made it; a pool passed to the constructor stays open. */
  async close(): Promise<void> {
    if (!this.ownsPool) return;
    this.ending ??= this.pool.end();
    await this.ending;
  }
}
