import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';

/** Schema of the table of positions the read models have seen, in the main read-model database. */
export const SEEN_POSITIONS_SCHEMA = 'read_model_progress';

const table = `"${SEEN_POSITIONS_SCHEMA}".seen_positions`;

/**
 * The global positions (event store) of the events each tenant's read models have applied: what an
 * `X-Consistency-Token: <position>` waits for. A position is recorded after the change it made is
 * committed, so "seen" means "applied"; an event of a command's answer is seen exactly when its
 * effect is readable. One table in the main read-model database, whatever the tenant's isolation
 * mode, keyed by tenant: a tenant never sees another tenant's positions.
 */
export class SeenPositions {
  constructor(private readonly main: DataSource) {}

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
    });
  }

  /** Records that the tenant's read models applied the event at `position` (idempotent). */
  async record(tenantId: string, position: number): Promise<void> {
    await this.main.query(
      `INSERT INTO ${table} (tenant_id, position) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [tenantId, position],
    );
  }

  async seen(tenantId: string, position: number): Promise<boolean> {
    const rows: unknown[] = await this.main.query(
      `SELECT 1 FROM ${table} WHERE tenant_id = $1 AND position = $2`,
      [tenantId, position],
    );
    return rows.length > 0;
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
