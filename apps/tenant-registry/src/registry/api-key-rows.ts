import type { Pool } from 'pg';
import type { ApiKeyRecord } from '@platform/tenancy';
import type { Queryable } from './tenant-rows';

interface Row {
  key_id: string;
  tenant_id: string;
  name: string;
  roles: string[];
  secret_hash: string;
  created_at: Date;
  revoked_at: Date | null;
}

/** Per-tenant API keys (`api_keys`): the secret's hash only, never the secret. */
export class ApiKeyRows {
  constructor(
    private readonly pool: Pool,
    private readonly s: string,
  ) {}

  async insert(tx: Queryable, record: ApiKeyRecord): Promise<void> {
    await tx.query(
      `insert into ${this.s}.api_keys (key_id, tenant_id, name, roles, secret_hash, created_at)
       values ($1, $2, $3, $4, $5, $6)`,
      [record.keyId, record.tenantId, record.name, record.roles, record.secretHash, record.createdAt],
    );
  }

  /** Keys not revoked, counted in the caller's transaction (which holds the tenant's row lock). */
  async countActive(tx: Queryable, tenantId: string): Promise<number> {
    const { rows } = await tx.query<{ count: string }>(
      `select count(*) as count from ${this.s}.api_keys where tenant_id = $1 and revoked_at is null`,
      [tenantId],
    );
    return Number(rows[0]?.count ?? 0);
  }

  /** The tenant's keys, oldest first, revoked ones included. */
  async list(tenantId: string): Promise<ApiKeyRecord[]> {
    const { rows } = await this.pool.query<Row>(
      `select * from ${this.s}.api_keys where tenant_id = $1 order by created_at, key_id`,
      [tenantId],
    );
    return rows.map(toRecord);
  }

  async get(tenantId: string, keyId: string): Promise<ApiKeyRecord | undefined> {
    const { rows } = await this.pool.query<Row>(
      `select * from ${this.s}.api_keys where tenant_id = $1 and key_id = $2`,
      [tenantId, keyId],
    );
    return rows[0] && toRecord(rows[0]);
  }

  /** Revokes one key (kept revoked if it already was); undefined when the tenant has no such key. */
  async revoke(
    tx: Queryable,
    tenantId: string,
    keyId: string,
    at: string,
  ): Promise<ApiKeyRecord | undefined> {
    const { rows } = await tx.query<Row>(
      `update ${this.s}.api_keys set revoked_at = coalesce(revoked_at, $3)
        where tenant_id = $1 and key_id = $2 returning *`,
      [tenantId, keyId, at],
    );
    return rows[0] && toRecord(rows[0]);
  }

  /** Revokes every key of the tenant still valid; returns them. */
  async revokeAll(tenantId: string, at: string): Promise<ApiKeyRecord[]> {
    const { rows } = await this.pool.query<Row>(
      `update ${this.s}.api_keys set revoked_at = $2 where tenant_id = $1 and revoked_at is null returning *`,
      [tenantId, at],
    );
    return rows.map(toRecord);
  }

  /** Every key of every tenant, revoked ones included: what a fresh service's key view is built from. */
  async all(): Promise<ApiKeyRecord[]> {
    const { rows } = await this.pool.query<Row>(`select * from ${this.s}.api_keys order by created_at`);
    return rows.map(toRecord);
  }
}

function toRecord(row: Row): ApiKeyRecord {
  return {
    keyId: row.key_id,
    tenantId: row.tenant_id,
    name: row.name,
    roles: row.roles,
    secretHash: row.secret_hash,
    createdAt: row.created_at.toISOString(),
    ...(row.revoked_at && { revokedAt: row.revoked_at.toISOString() }),
  };
}
