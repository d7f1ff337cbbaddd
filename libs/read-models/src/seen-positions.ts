import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource, EntityManager } from 'typeorm';

/** Schema of the table of positions the read models have seen, in the main read-model database. */
export const SEEN_POSITIONS_SCHEMA = 'read_model_progress';

const table = `"${SEEN_POSITIONS_SCHEMA}".seen_positions`;
const floors = `"${SEEN_POSITIONS_SCHEMA}".seen_floors`;

interface QueuedPosition {
  readonly tenantId: string;
  readonly position: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Bound of one multi-row insert of seen positions. */
const MAX_POSITIONS_PER_INSERT = 1_000;

/**
 * The global positions (event store) of the events each tenant's read models have applied: what an
 * `X-Consistency-Token: <position>` waits for. A position is recorded with the change it made (in
 * its transaction, {@link recordWithin}) or after that is committed, so "seen" means "applied"; an event of a command's answer is seen exactly when its
 * effect is readable. One table in the main read-model database, whatever the tenant's isolation
 * mode, keyed by tenant: a tenant never sees another tenant's positions.
 *
 * Rows are kept for a retention period ({@link prune}); what is pruned leaves a floor per tenant:
 * every position at or below the highest pruned one counts as seen. Tokens are used right after a
 * command; one older than the retention is answered at once, which is wrong only if the read
 * models lag behind by more than the retention.
 */
export class SeenPositions {
  /** @param main the main read-model database, where the table lives. */
  constructor(readonly main: DataSource) {}

  /** Creates the table if missing. Idempotent; safe from several processes at once. */
  async migrate(): Promise<void> {
    await this.main.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        `read-models:${SEEN_POSITIONS_SCHEMA}`,
      ]);
      await manager.query(`CREATE SCHEMA IF NOT EXISTS "${SEEN_POSITIONS_SCHEMA}"`);
      await manager.query(
        `CREATE TABLE IF NOT EXISTS ${table} (
           tenant_id uuid NOT NULL,
           position bigint NOT NULL CHECK (position >= 0),
           seen_at timestamptz NOT NULL DEFAULT now(),
           PRIMARY KEY (tenant_id, position)
         )`,
      );
      await manager.query(
        `CREATE TABLE IF NOT EXISTS ${floors} (
           tenant_id uuid PRIMARY KEY,
           position bigint NOT NULL CHECK (position >= 0),
           pruned_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
    });
  }

  /**
   * Records that the tenant's read models applied the event at `position` (idempotent); resolves
   * once that is committed. Records made while an insert is in flight (or in the same tick) go
   * together in the next one: under load, one statement for many events rather than one each.
   */
  record(tenantId: string, position: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queued.push({ tenantId, position, resolve, reject });
      this.scheduleFlush();
    });
  }

  /** {@link record} for several positions of a tenant. */
  async recordAll(tenantId: string, positions: readonly number[]): Promise<void> {
    await Promise.all(positions.map((position) => this.record(tenantId, position)));
  }

  /**
   * Records positions in the caller's transaction on the {@link main} database, in one statement:
   * for a read model living there, seen exactly when its change commits. Run it with the service's
   * own role (before a `SET LOCAL ROLE` to the row-level-security role, which has no rights here).
   */
  async recordWithin(manager: EntityManager, tenantId: string, positions: readonly number[]): Promise<void> {
    if (positions.length === 0) return;
    await manager.query(
      `INSERT INTO ${table} (tenant_id, position)
       SELECT $1::uuid, unnest($2::bigint[]) ON CONFLICT DO NOTHING`,
      [tenantId, positions],
    );
  }

  private readonly queued: QueuedPosition[] = [];
  private flushScheduled = false;
  private inserting: Promise<void> | undefined;

  private scheduleFlush(): void {
    if (this.flushScheduled || this.inserting) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const batch = this.queued.splice(0, MAX_POSITIONS_PER_INSERT);
      if (batch.length === 0) return;
      this.inserting = this.insert(batch).finally(() => {
        this.inserting = undefined;
        if (this.queued.length > 0) this.scheduleFlush();
      });
    });
  }

  private async insert(batch: readonly QueuedPosition[]): Promise<void> {
    try {
      await this.main.query(
        `INSERT INTO ${table} (tenant_id, position)
         SELECT * FROM unnest($1::uuid[], $2::bigint[]) ON CONFLICT DO NOTHING`,
        [batch.map((p) => p.tenantId), batch.map((p) => p.position)],
      );
      for (const p of batch) p.resolve();
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }

  /** Whether the tenant's read models applied `position` (or it is at or below the tenant's floor). */
  async seen(tenantId: string, position: number): Promise<boolean> {
    const rows: { seen: boolean }[] = await this.main.query(
      `SELECT EXISTS (SELECT 1 FROM ${table} WHERE tenant_id = $1 AND position = $2)
           OR EXISTS (SELECT 1 FROM ${floors} WHERE tenant_id = $1 AND position >= $2) AS seen`,
      [tenantId, position],
    );
    return rows[0]?.seen === true;
  }

  /**
   * Deletes the positions seen more than `retentionMs` ago and raises each tenant's floor to the
   * highest it deleted, in one statement (several instances may prune at once: the floor only
   * rises). Returns how many positions were deleted.
   */
  async prune(retentionMs: number): Promise<number> {
    const rows: { pruned: number }[] = await this.main.query(
      `WITH pruned AS (
         DELETE FROM ${table} WHERE seen_at < now() - $1 * interval '1 millisecond'
         RETURNING tenant_id, position
       ), raised AS (
         INSERT INTO ${floors} AS f (tenant_id, position)
         SELECT tenant_id, max(position) FROM pruned GROUP BY tenant_id
         ON CONFLICT (tenant_id) DO UPDATE
           SET position = greatest(f.position, excluded.position), pruned_at = now()
       )
       SELECT count(*)::int AS pruned FROM pruned`,
      [retentionMs],
    );
    return rows[0]?.pruned ?? 0;
  }

  /** Whether the position is seen within `timeoutMs`, polling every `intervalMs`. */
  async waitUntilSeen(
    tenantId: string,
    position: number,
    timeoutMs: number,
    intervalMs = 20,
  ): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (await this.seen(tenantId, position)) return true;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await sleep(Math.min(intervalMs, left));
    }
  }
}
