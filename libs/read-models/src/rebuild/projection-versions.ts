import type { DataSource } from 'typeorm';
import { SEEN_POSITIONS_SCHEMA } from '../seen-positions';

const table = `"${SEEN_POSITIONS_SCHEMA}".projection_versions`;

/**
 * The version of each projection a tenant's read model was last built with (ADR 0033), in the main
 * read-model database: a deploy whose code version is higher rebuilds that tenant's model.
 */
export class ProjectionVersions {
  constructor(private readonly main: DataSource) {}

  /** Creates the table if missing; idempotent, safe from several processes at once. */
  async migrate(): Promise<void> {
    await this.main.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`read-models:${table}`]);
      await manager.query(`CREATE SCHEMA IF NOT EXISTS "${SEEN_POSITIONS_SCHEMA}"`);
      await manager.query(
        `CREATE TABLE IF NOT EXISTS ${table} (
           tenant_id uuid NOT NULL,
           projection text NOT NULL,
           version int NOT NULL,
           built_at timestamptz NOT NULL DEFAULT now(),
           PRIMARY KEY (tenant_id, projection)
         )`,
      );
    });
  }

  /** Records the version a tenant's model now has. */
  async set(tenantId: string, projection: string, version: number): Promise<void> {
    await this.main.query(
      `INSERT INTO ${table} (tenant_id, projection, version) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id, projection) DO UPDATE SET version = excluded.version, built_at = now()`,
      [tenantId, projection, version],
    );
  }

  /**
   * Records `version` for the tenants that have no row (a model built before versions were kept
   * counts as the current one) and returns those recorded below it: the ones to rebuild.
   */
  async behind(tenantIds: readonly string[], projection: string, version: number): Promise<string[]> {
    if (tenantIds.length === 0) return [];
    await this.main.query(
      `INSERT INTO ${table} (tenant_id, projection, version)
       SELECT unnest($1::uuid[]), $2, $3 ON CONFLICT DO NOTHING`,
      [tenantIds, projection, version],
    );
    const rows: { tenant_id: string }[] = await this.main.query(
      `SELECT tenant_id FROM ${table} WHERE tenant_id = ANY($1::uuid[]) AND projection = $2 AND version < $3
        ORDER BY tenant_id`,
      [tenantIds, projection, version],
    );
    return rows.map((row) => row.tenant_id);
  }
}
