import type { Pool } from 'pg';

/** What one owner of per-tenant storage reported for a tenant (ADR 0031). */
export interface OwnerReport {
  readonly owner: string;
  /** Its description of the storage, once it reported it provisioned. */
  readonly provisioned?: string;
  /** Its description of what it removed, once it reported it purged. */
  readonly purged?: string;
  readonly purgedObjects?: number;
}

interface Row {
  owner: string;
  provisioned: string | null;
  purged: string | null;
  purged_objects: number | null;
}

/**
 * The `storage_owners` table: the owners' reports from `tenants.storage`, one row per (tenant,
 * owner). A repeated report changes nothing but the description; the first time stays.
 */
export class StorageOwnerRows {
  constructor(
    private readonly pool: Pool,
    private readonly s: string,
  ) {}

  async recordProvisioned(tenantId: string, owner: string, description: string, at: string): Promise<void> {
    await this.pool.query(
      `insert into ${this.s}.storage_owners (tenant_id, owner, provisioned_at, provisioned)
       values ($1, $2, $3, $4)
       on conflict (tenant_id, owner) do update
         set provisioned_at = coalesce(storage_owners.provisioned_at, excluded.provisioned_at),
             provisioned = excluded.provisioned`,
      [tenantId, owner, at, description],
    );
  }

  async recordPurged(
    tenantId: string,
    owner: string,
    purged: { readonly description: string; readonly objects: number },
    at: string,
  ): Promise<void> {
    // A repeated purge (a redelivered request) removes nothing: the first report's count stays.
    await this.pool.query(
      `insert into ${this.s}.storage_owners (tenant_id, owner, purged_at, purged, purged_objects)
       values ($1, $2, $3, $4, $5)
       on conflict (tenant_id, owner) do update
         set purged_at = coalesce(storage_owners.purged_at, excluded.purged_at),
             purged = coalesce(storage_owners.purged, excluded.purged),
             purged_objects = coalesce(storage_owners.purged_objects, excluded.purged_objects)`,
      [tenantId, owner, at, purged.description, purged.objects],
    );
  }

  async reports(tenantId: string): Promise<OwnerReport[]> {
    const { rows } = await this.pool.query<Row>(
      `select owner, provisioned, purged, purged_objects from ${this.s}.storage_owners
        where tenant_id = $1 order by owner`,
      [tenantId],
    );
    return rows.map((row) => ({
      owner: row.owner,
      ...(row.provisioned !== null && { provisioned: row.provisioned }),
      ...(row.purged !== null && { purged: row.purged }),
      ...(row.purged_objects !== null && { purgedObjects: row.purged_objects }),
    }));
  }
}
