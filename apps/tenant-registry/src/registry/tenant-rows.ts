import type { Pool, PoolClient } from 'pg';
import { isUuid, type TenantIsolation, type TenantPlan, type TenantStatus } from '@platform/contracts';
import type { ExistingTenant } from '@platform/tenants-domain';
import type { Condition } from './conditions';
import type { PageCursor } from './page-cursor';
import type { PurgeReport, ReconcileState, RequestOrigin, TenantRecord } from './tenant-record';

/** A pool, or a client inside the caller's transaction. */
export type Queryable = Pick<PoolClient, 'query'>;

interface Row {
  id: string;
  slug: string;
  name: string;
  status: TenantStatus;
  plan: TenantPlan;
  isolation: TenantIsolation;
  region: string;
  version: number;
  manifest_version: number;
  manifest_hash: string | null;
  conditions: Condition[];
  created_at: Date;
  updated_at: Date;
  deletion_requested_at: Date | null;
  deletion_completed_at: Date | null;
  deletion_requested_by: RequestOrigin | null;
  purge_report: PurgeReport;
  reconcile_attempts: number;
}

export interface TenantPage {
  readonly items: TenantRecord[];
  /** Position after the last item, when there may be more. */
  readonly next?: PageCursor;
}

export type WorkKind = 'provision' | 'delete';

/**
 * The `tenants` read model: written with the events that change it (in their transaction), read by
 * the HTTP routes and the controller. `s` is the quoted schema.
 */
export class TenantRows {
  constructor(
    private readonly pool: Pool,
    private readonly s: string,
  ) {}

  /** Writes the tenant as `state` says, at `at` (the event's time); the row is created on its first event. */
  async upsert(
    q: Queryable,
    state: ExistingTenant,
    at: string,
    conditions: readonly Condition[],
  ): Promise<TenantRecord> {
    const { rows } = await q.query<Row>(
      `insert into ${this.s}.tenants
         (id, slug, name, status, plan, isolation, region, version, manifest_version, manifest_hash,
          conditions, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
       on conflict (id) do update set
         name = excluded.name, status = excluded.status, plan = excluded.plan, version = excluded.version,
         manifest_version = excluded.manifest_version, manifest_hash = excluded.manifest_hash,
         conditions = excluded.conditions, updated_at = excluded.updated_at
       returning *`,
      [
        state.id,
        state.slug,
        state.name,
        state.status,
        state.plan,
        state.isolation,
        state.region,
        state.version,
        state.manifestVersion,
        state.lastManifestHash ?? null,
        JSON.stringify(conditions),
        at,
      ],
    );
    return toRecord(rows[0] as Row);
  }

  /** The tenant's conditions, its row locked until the end of the transaction; [] before creation. */
  async lockConditions(tx: Queryable, tenantId: string): Promise<Condition[]> {
    const { rows } = await tx.query<Pick<Row, 'conditions'>>(
      `select conditions from ${this.s}.tenants where id = $1 for update`,
      [tenantId],
    );
    return rows[0]?.conditions ?? [];
  }

  /** The tenant, its row locked until the end of the caller's transaction. */
  async lock(tx: Queryable, tenantId: string): Promise<TenantRecord | undefined> {
    const { rows } = await tx.query<Row>(`select * from ${this.s}.tenants where id = $1 for update`, [
      tenantId,
    ]);
    return rows[0] && toRecord(rows[0]);
  }

  /** By id (UUID) or slug; undefined when there is no such tenant. */
  async find(idOrSlug: string, q: Queryable = this.pool): Promise<TenantRecord | undefined> {
    const row = await this.findRow(idOrSlug, q);
    return row && toRecord(row);
  }

  async reconcileState(tenantId: string): Promise<ReconcileState | undefined> {
    const row = await this.findRow(tenantId, this.pool);
    if (!row) return undefined;
    return {
      ...(row.deletion_requested_at && { deletionRequestedAt: row.deletion_requested_at }),
      ...(row.deletion_completed_at && { deletionCompletedAt: row.deletion_completed_at }),
      ...(row.deletion_requested_by && { deletionRequestedBy: row.deletion_requested_by }),
      purgeReport: row.purge_report,
      reconcileAttempts: row.reconcile_attempts,
    };
  }

  /** Newest first, `limit` at a time, after `after` (keyset: stable under concurrent inserts). */
  async page(options: { status?: TenantStatus; after?: PageCursor; limit: number }): Promise<TenantPage> {
    const { rows } = await this.pool.query<Row>(
      `select * from ${this.s}.tenants
        where ($1::text is null or status = $1)
          and ($2::timestamptz is null or (created_at, id) < ($2::timestamptz, $3::uuid))
        order by created_at desc, id desc
        limit $4`,
      [
        options.status ?? null,
        options.after?.createdAt ?? null,
        options.after?.id ?? null,
        options.limit + 1,
      ],
    );
    const items = rows.slice(0, options.limit).map(toRecord);
    const last = items.at(-1);
    return rows.length > options.limit && last
      ? { items, next: { createdAt: last.createdAt, id: last.id } }
      : { items };
  }

  async all(): Promise<TenantRecord[]> {
    const { rows } = await this.pool.query<Row>(`select * from ${this.s}.tenants`);
    return rows.map(toRecord);
  }

  /** Tenants the controller has work for, due now: drafts, and deletions not finished. */
  async dueForWork(limit: number): Promise<{ id: string; kind: WorkKind }[]> {
    const { rows } = await this.pool.query<{ id: string; kind: WorkKind }>(
      `select id, case when status = 'draft' then 'provision' else 'delete' end as kind
         from ${this.s}.tenants
        where (status = 'draft' or (deletion_requested_at is not null and deletion_completed_at is null))
          and (next_reconcile_at is null or next_reconcile_at <= now())
        order by next_reconcile_at nulls first, updated_at
        limit $1`,
      [limit],
    );
    return rows;
  }

  async setConditions(tenantId: string, conditions: readonly Condition[]): Promise<void> {
    await this.pool.query(`update ${this.s}.tenants set conditions = $2 where id = $1`, [
      tenantId,
      JSON.stringify(conditions),
    ]);
  }

  /** Records a failed attempt: its conditions, and when to try again. */
  async scheduleRetry(
    tenantId: string,
    attempts: number,
    next: Date,
    conditions: readonly Condition[],
  ): Promise<void> {
    await this.pool.query(
      `update ${this.s}.tenants set reconcile_attempts = $2, next_reconcile_at = $3, conditions = $4 where id = $1`,
      [tenantId, attempts, next, JSON.stringify(conditions)],
    );
  }

  /** Records that the controller waits (not a failure): its conditions, and when to look again. */
  async scheduleCheck(tenantId: string, next: Date, conditions: readonly Condition[]): Promise<void> {
    await this.pool.query(
      `update ${this.s}.tenants set next_reconcile_at = $2, conditions = $3 where id = $1`,
      [tenantId, next, JSON.stringify(conditions)],
    );
  }

  async resetRetry(q: Queryable, tenantId: string): Promise<void> {
    await q.query(
      `update ${this.s}.tenants set reconcile_attempts = 0, next_reconcile_at = null where id = $1`,
      [tenantId],
    );
  }

  /** Marks the tenant for deletion (kept if already marked); the controller does the rest. */
  async requestDeletion(
    tx: Queryable,
    tenantId: string,
    at: string,
    by: RequestOrigin,
    conditions: readonly Condition[],
  ): Promise<TenantRecord> {
    const { rows } = await tx.query<Row>(
      `update ${this.s}.tenants
          set deletion_requested_at = coalesce(deletion_requested_at, $2),
              deletion_requested_by = coalesce(deletion_requested_by, $3), conditions = $4,
              reconcile_attempts = 0, next_reconcile_at = null
        where id = $1 returning *`,
      [tenantId, at, JSON.stringify(by), JSON.stringify(conditions)],
    );
    return toRecord(rows[0] as Row);
  }

  async savePurgeReport(tenantId: string, report: PurgeReport): Promise<void> {
    await this.pool.query(`update ${this.s}.tenants set purge_report = $2 where id = $1`, [
      tenantId,
      JSON.stringify(report),
    ]);
  }

  async completeDeletion(q: Queryable, tenantId: string, at: string): Promise<void> {
    await q.query(
      `update ${this.s}.tenants
          set deletion_completed_at = coalesce(deletion_completed_at, $2), reconcile_attempts = 0,
              next_reconcile_at = null
        where id = $1`,
      [tenantId, at],
    );
  }

  private async findRow(idOrSlug: string, q: Queryable): Promise<Row | undefined> {
    const byId = isUuid(idOrSlug);
    const { rows } = await q.query<Row>(
      `select * from ${this.s}.tenants where ${byId ? 'id = $1::uuid' : 'slug = $1'}`,
      [byId ? idOrSlug.toLowerCase() : idOrSlug],
    );
    return rows[0];
  }
}

function toRecord(row: Row): TenantRecord {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    status: row.status,
    plan: row.plan,
    isolation: row.isolation,
    region: row.region,
    version: row.version,
    manifestVersion: row.manifest_version,
    ...(row.manifest_hash !== null && { manifestHash: row.manifest_hash }),
    conditions: row.conditions,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    ...(row.deletion_requested_at && { deletionRequestedAt: row.deletion_requested_at.toISOString() }),
  };
}
