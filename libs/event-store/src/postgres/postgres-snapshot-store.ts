import type { QueryConfig } from 'pg';
import { assertStreamName, assertTenantId } from '../guards';
import type { Snapshot, SnapshotKey, SnapshotStore, StoredSnapshot } from '../snapshots/snapshot-store.port';
import { toSafeInteger } from './row-mapping';
import type { SqlExecutor } from './sql-executor';

interface SnapshotRow {
  version: string;
  schema_version: number;
  state: unknown;
  taken_at: Date | string;
}

/** {@link SnapshotStore} in the event store's `snapshots` table (same schema, pool and RLS setting). */
export class PostgresSnapshotStore implements SnapshotStore {
  constructor(
    private readonly executor: SqlExecutor,
    private readonly schema: string,
  ) {}

  async load(key: SnapshotKey): Promise<StoredSnapshot | null> {
    assertKey(key);
    const statement: QueryConfig = {
      name: `es_snap_load_${this.schema}`,
      text:
        `select version::text as version, schema_version, state, taken_at from "${this.schema}".snapshots ` +
        'where tenant_id = $1::uuid and stream_name = $2::text and aggregate_type = $3::text',
      values: [key.tenantId, key.streamName, key.aggregateType],
    };
    const [row] = (await this.executor.query<SnapshotRow>(statement, key.tenantId)).rows;
    if (row === undefined) return null;
    return {
      tenantId: key.tenantId,
      streamName: key.streamName,
      aggregateType: key.aggregateType,
      version: toSafeInteger(row.version, 'version'),
      schemaVersion: row.schema_version,
      state: row.state,
      takenAt: new Date(row.taken_at).toISOString(),
    };
  }

  async save(snapshot: Snapshot): Promise<void> {
    assertKey(snapshot);
    for (const [name, value] of [
      ['version', snapshot.version],
      ['schemaVersion', snapshot.schemaVersion],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 1)
        throw new TypeError(`snapshot ${name} must be an integer >= 1`);
    }
    const state: string | undefined = JSON.stringify(snapshot.state);
    if (state === undefined) throw new TypeError('snapshot state must be JSON-serialisable');
    const statement: QueryConfig = {
      name: `es_snap_save_${this.schema}`,
      text:
        `insert into "${this.schema}".snapshots as s ` +
        '(tenant_id, stream_name, aggregate_type, version, schema_version, state) ' +
        'values ($1::uuid, $2::text, $3::text, $4::bigint, $5::int, $6::jsonb) ' +
        'on conflict (tenant_id, stream_name, aggregate_type) do update ' +
        'set version = excluded.version, schema_version = excluded.schema_version, state = excluded.state, ' +
        'taken_at = now() where s.version <= excluded.version',
      values: [
        snapshot.tenantId,
        snapshot.streamName,
        snapshot.aggregateType,
        snapshot.version,
        snapshot.schemaVersion,
        state,
      ],
    };
    await this.executor.query(statement, snapshot.tenantId);
  }
}

function assertKey(key: SnapshotKey): void {
  assertTenantId(key.tenantId);
  assertStreamName(key.streamName);
  if (typeof key.aggregateType !== 'string' || key.aggregateType === '') {
    throw new TypeError('aggregateType must be a non-empty string');
  }
}
