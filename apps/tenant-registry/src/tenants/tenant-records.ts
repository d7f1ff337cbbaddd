import type { Pool } from 'pg';
import type { TenantSnapshot } from '@platform/contracts';

export interface Condition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
}

export interface TenantRecord extends TenantSnapshot {
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly conditions: readonly Condition[];
}

const DDL = `
  CREATE SCHEMA IF NOT EXISTS registry;
  CREATE TABLE IF NOT EXISTS registry.tenants (
    id uuid PRIMARY KEY,
    slug text NOT NULL UNIQUE,
    name text NOT NULL,
    status text NOT NULL,
    plan text NOT NULL,
    isolation text NOT NULL,
    region text NOT NULL,
    version int NOT NULL,
    conditions jsonb NOT NULL DEFAULT '[]',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  );`;

export class SlugTakenError extends Error {}

interface Row {
  id: string;
  slug: string;
  name: string;
  status: TenantRecord['status'];
  plan: TenantRecord['plan'];
  isolation: TenantRecord['isolation'];
  region: string;
  version: number;
  conditions: Condition[];
  created_at: Date;
  updated_at: Date;
}

/** The registry's current view of every tenant (`registry.tenants`); slugs are unique. */
export class TenantRecords {
  constructor(private readonly pool: Pool) {}

  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('registry.migrate'))`);
      await client.query(DDL);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async insert(tenant: TenantSnapshot, conditions: readonly Condition[]): Promise<TenantRecord> {
    try {
      const { rows } = await this.pool.query<Row>(
        `INSERT INTO registry.tenants (id, slug, name, status, plan, isolation, region, version, conditions)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
        [
          tenant.tenantId,
          tenant.slug,
          tenant.name,
          tenant.status,
          tenant.plan,
          tenant.isolation,
          tenant.region,
          tenant.version,
          JSON.stringify(conditions),
        ],
      );
      return toRecord(rows[0] as Row);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new SlugTakenError(tenant.slug);
      throw error;
    }
  }

  /** Moves a tenant to `status` if it is still at `fromVersion`; undefined when it changed meanwhile. */
  async transition(
    tenantId: string,
    fromVersion: number,
    status: TenantRecord['status'],
    conditions: readonly Condition[],
  ): Promise<TenantRecord | undefined> {
    const { rows } = await this.pool.query<Row>(
      `UPDATE registry.tenants SET status = $3, version = version + 1, conditions = $4, updated_at = now()
        WHERE id = $1 AND version = $2 RETURNING *`,
      [tenantId, fromVersion, status, JSON.stringify(conditions)],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async setConditions(tenantId: string, conditions: readonly Condition[]): Promise<void> {
    await this.pool.query(`UPDATE registry.tenants SET conditions = $2, updated_at = now() WHERE id = $1`, [
      tenantId,
      JSON.stringify(conditions),
    ]);
  }

  async find(idOrSlug: string): Promise<TenantRecord | undefined> {
    const { rows } = await this.pool.query<Row>(
      `SELECT * FROM registry.tenants WHERE id::text = $1 OR slug = $1`,
      [idOrSlug.toLowerCase()],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async inStatus(status: TenantRecord['status']): Promise<TenantRecord[]> {
    const { rows } = await this.pool.query<Row>(`SELECT * FROM registry.tenants WHERE status = $1`, [status]);
    return rows.map(toRecord);
  }
}

function toRecord(row: Row): TenantRecord {
  return {
    tenantId: row.id,
    slug: row.slug,
    name: row.name,
    status: row.status,
    plan: row.plan,
    isolation: row.isolation,
    region: row.region,
    version: row.version,
    conditions: row.conditions,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function snapshotOf(record: TenantRecord): TenantSnapshot {
  const { tenantId, slug, name, status, plan, isolation, region, version } = record;
  return { tenantId, slug, name, status, plan, isolation, region, version };
}
