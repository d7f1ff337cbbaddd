import { Pool } from 'pg';
import type { Checkpoint } from '@platform/event-store';
import type { CheckpointStore } from '../checkpoint-store.port';
import {
  assertRelaySchemaName,
  DEFAULT_RELAY_SCHEMA,
  relayMigrationLockKey,
  relaySchemaDdl,
} from './relay-schema.sql';
import { migrateUnderLock } from '@platform/postgres-kit';

export interface PostgresCheckpointStoreConfig {
  readonly connectionString: string;
  /** Schema of `relay_checkpoints`; default `event_relay`. */
  readonly schema?: string;
  /** Default 2: one load per (re)start, one write per batch. */
  readonly poolSize?: number;
}

/**
 * {@link CheckpointStore} in PostgreSQL: `<schema>.relay_checkpoints(name, checkpoint, updated_at)`,
 * one row per relay, replaced by a single upsert (atomic: a reader sees the old or the new
 * checkpoint, never a mix); a row with a null checkpoint starts at the beginning of the log. It holds the checkpoint of a relay on either event store: an
 * EventStoreDB-backed relay keeps its `esdb:<commit>:<prepare>` checkpoint here too, under its own
 * name, next to its leadership lock (ADR 0007).
 */
export class PostgresCheckpointStore implements CheckpointStore {
  private readonly table: string;
  private readonly schema: string;

  private constructor(
    private readonly pool: Pool,
    schema: string,
  ) {
    this.schema = assertRelaySchemaName(schema);
    this.table = `"${this.schema}".relay_checkpoints`;
  }

  /** A store on its own pool, which {@link close} ends. Call {@link migrate} before use. */
  static create(config: PostgresCheckpointStoreConfig): PostgresCheckpointStore {
    const pool = new Pool({ connectionString: config.connectionString, max: config.poolSize ?? 2 });
    // an idle connection that fails is replaced on the next query; without a listener it would crash
    pool.on('error', () => undefined);
    return new PostgresCheckpointStore(pool, config.schema ?? DEFAULT_RELAY_SCHEMA);
  }

  /** Creates the schema and table if missing. Idempotent; safe from several instances at once. */
  async migrate(): Promise<void> {
    await migrateUnderLock(this.pool, relayMigrationLockKey(this.schema), relaySchemaDdl(this.schema));
  }

  async load(name: string): Promise<Checkpoint | undefined> {
    const { rows } = await this.pool.query<{ checkpoint: string | null }>(
      `select checkpoint from ${this.table} where name = $1`,
      [name],
    );
    return rows[0]?.checkpoint ?? undefined;
  }

  async initialize(name: string, checkpoint: Checkpoint | undefined): Promise<void> {
    await this.pool.query(
      `insert into ${this.table} (name, checkpoint, updated_at) values ($1, $2, now())
       on conflict (name) do nothing`,
      [name, checkpoint ?? null],
    );
  }

  async save(name: string, checkpoint: Checkpoint): Promise<void> {
    await this.pool.query(
      `insert into ${this.table} (name, checkpoint, updated_at) values ($1, $2, now())
       on conflict (name) do update set checkpoint = excluded.checkpoint, updated_at = excluded.updated_at`,
      [name, checkpoint],
    );
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
