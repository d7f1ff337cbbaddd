import { DataSource, type EntityManager } from 'typeorm';
import type { TenantIsolation } from '@platform/contracts';
import type { Checkpoint } from '@platform/event-store';
import { readModelEntities, readModelMigrations } from '../data-source';
import type { TenantDataSources } from '../tenant-data-sources';
import { databaseUrlFor, storageOf, type TenantStorage } from '../tenant-storage';
import type { ProjectionVersions } from './projection-versions';
import type { RebuildEventSource } from './rebuild-event-source';
import type { RebuildableProjection, RebuildEvent } from './rebuildable-projection';

export interface TenantRebuildResult {
  readonly tenantId: string;
  /** Events folded into the new model (the bulk pass and the catch-up under the lock). */
  readonly events: number;
  /** Events folded while the tenant's live writes waited (the catch-up before the switch). */
  readonly caughtUpUnderLock: number;
  /** How long the switch held the tenant's live writes, in ms. */
  readonly switchMs: number;
}

/**
 * Takes the live path's side of the rebuild lock (ADR 0033): every transaction that applies a
 * tenant's events to a rebuildable projection calls it first, before any write, so a switch
 * waits for it and it waits for a switch. Shared: live transactions do not wait for each other.
 */
export async function holdLiveSide(
  manager: EntityManager,
  projection: Pick<RebuildableProjection, 'lockClass'>,
  tenantId: string,
): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock_shared($1, hashtext($2))', [
    projection.lockClass,
    tenantId,
  ]);
}

/**
 * Rebuilds one projection of one tenant blue/green (ADR 0033): a new model is built beside the live
 * one, in a schema of its own, from the event store in large pages; then, holding the tenant's
 * rebuild lock (live writes of this projection and tenant wait, reads do not), the rest of the log
 * is folded in and the new tables replace the live ones in the same transaction: moved in
 * (`ALTER TABLE … SET SCHEMA`, schema and dedicated modes) or copied over the tenant's rows
 * (shared mode). Readers see the old model or the whole new one, never a half-built one. The
 * tenant's `processed_events` and seen positions stay: every event the live path had applied is in
 * the new model, and an event it applies after the switch that the rebuild already folded is at or
 * below its order's version (a no-op).
 *
 * @example
 * const rebuilder = new ProjectionRebuilder(sources, databaseUrl, source, versions);
 * await rebuilder.rebuildTenant(ORDERS_PROJECTION, tenantId, 'schema', (n) => progress.add(n));
 */
export class ProjectionRebuilder {
  constructor(
    private readonly sources: TenantDataSources,
    private readonly databaseUrl: string,
    private readonly source: RebuildEventSource,
    private readonly versions: ProjectionVersions,
    private readonly pageSize = 5_000,
  ) {}

  /** How many events a rebuild of the tenant would fold now (for progress). */
  count(projection: RebuildableProjection, tenantId: string): Promise<number> {
    return this.source.count(tenantId, projection.eventTypes);
  }

  async rebuildTenant(
    projection: RebuildableProjection,
    tenantId: string,
    isolation: TenantIsolation,
    onEvents: (count: number) => void = () => undefined,
    signal?: AbortSignal,
  ): Promise<TenantRebuildResult> {
    const storage = storageOf(tenantId, isolation);
    const names = schemaNames(projection, tenantId);
    const dataSource = await this.sources.forStorage(storage);
    await dataSource.query(`DROP SCHEMA IF EXISTS "${names.old}" CASCADE`);
    await createShadow(this.databaseUrl, storage, names.shadow);
    try {
      // the bulk pass writes tables with their keys only; their other indexes are made after it
      const indexes = await dropSecondaryIndexes(dataSource, names.shadow, projection.tables);
      let events = 0;
      // the bulk pass: the next page is read while this one is written
      let cursor: Checkpoint | undefined;
      let next = this.read(projection, tenantId, cursor);
      for (;;) {
        const page = await next;
        signal?.throwIfAborted();
        if (page.events.length === 0) break;
        cursor = page.last;
        const full = page.events.length === this.pageSize;
        if (full) {
          next = this.read(projection, tenantId, cursor);
          next.catch(() => undefined); // awaited below; not unhandled if this page fails first
        }
        await dataSource.transaction(async (manager) => {
          await intoSchema(manager, names.shadow);
          await projection.applyPage(manager, tenantId, page.events);
        });
        events += page.events.length;
        onEvents(page.events.length);
        if (!full) break;
      }
      for (const definition of indexes) await dataSource.query(definition);
      // the switch: live writes of this tenant wait from here to the commit
      let caughtUpUnderLock = 0;
      const switchStarted = performance.now();
      await dataSource.transaction(async (manager) => {
        await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
          projection.lockClass,
          tenantId,
        ]);
        // read the rest before writing anything here: a transaction id held by this one would hold
        // back the store's readable line (ADR 0005) and the read would wait for itself
        const rest: RebuildEvent[][] = [];
        for (;;) {
          const page = await this.read(projection, tenantId, cursor);
          if (page.events.length > 0) rest.push([...page.events]);
          cursor = page.last;
          if (page.events.length < this.pageSize) break;
        }
        await intoSchema(manager, names.shadow);
        for (const page of rest) {
          await projection.applyPage(manager, tenantId, page);
          caughtUpUnderLock += page.length;
          onEvents(page.length);
        }
        await switchTables(manager, projection, tenantId, storage, names);
      });
      const switchMs = performance.now() - switchStarted;
      await this.versions.set(tenantId, projection.name, projection.version);
      return { tenantId, events: events + caughtUpUnderLock, caughtUpUnderLock, switchMs };
    } finally {
      await dataSource.query(`DROP SCHEMA IF EXISTS "${names.shadow}" CASCADE`);
      await dataSource.query(`DROP SCHEMA IF EXISTS "${names.old}" CASCADE`);
    }
  }

  private read(projection: RebuildableProjection, tenantId: string, after: Checkpoint | undefined) {
    return this.source.read(tenantId, projection.eventTypes, after, this.pageSize);
  }
}

/** The schema the new model is built in, and the one the old tables go to at the switch. */
export function schemaNames(
  projection: Pick<RebuildableProjection, 'name' | 'version'>,
  tenantId: string,
): { shadow: string; old: string } {
  const hex = tenantId.toLowerCase().replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new TypeError(`not a tenant id: ${tenantId}`);
  if (!/^[a-z][a-z0-9_]{0,15}$/.test(projection.name)) throw new TypeError('bad projection name');
  return {
    shadow: `rebuild_${hex}_${projection.name}_v${projection.version}`,
    old: `rebuilt_${hex}_${projection.name}_old`,
  };
}

async function intoSchema(manager: EntityManager, schema: string): Promise<void> {
  await manager.query(`SELECT set_config('search_path', $1, true)`, [`"${schema}"`]);
}

/** A fresh schema with the read-model tables, made by the same migrations as a tenant's storage. */
async function createShadow(databaseUrl: string, storage: TenantStorage, schema: string): Promise<void> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrlFor(databaseUrl, storage.database),
    schema,
    entities: readModelEntities,
    migrations: readModelMigrations,
    migrationsTableName: 'read_model_migrations',
    extra: { max: 1 },
  });
  await dataSource.initialize();
  try {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.query(`CREATE SCHEMA "${schema}"`);
    await dataSource.runMigrations({ transaction: 'all' });
  } finally {
    await dataSource.destroy();
  }
}

/**
 * Drops the indexes of the tables that no key or constraint needs and returns their definitions
 * (`CREATE INDEX <same name> ON <schema>.<table> …`, as the migrations made them), to run again.
 */
async function dropSecondaryIndexes(
  dataSource: DataSource,
  schema: string,
  tables: readonly string[],
): Promise<string[]> {
  const rows: { name: string; definition: string }[] = await dataSource.query(
    `SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
      WHERE i.schemaname = $1 AND i.tablename = ANY($2)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)
      ORDER BY i.indexname`,
    [schema, tables],
  );
  for (const row of rows) await dataSource.query(`DROP INDEX "${schema}"."${row.name}"`);
  return rows.map((row) => row.definition);
}

/**
 * Puts the new tables in place of the live ones, in the caller's transaction: in a storage of the
 * tenant's own (schema, dedicated) the live tables move out and the new ones move in (with their
 * indexes and constraints: the migrations named them the same); in the shared schema the tenant's
 * rows are replaced by the new ones (as the tables' owner: row-level security does not apply).
 */
async function switchTables(
  manager: EntityManager,
  projection: RebuildableProjection,
  tenantId: string,
  storage: TenantStorage,
  names: { shadow: string; old: string },
): Promise<void> {
  const live = storage.schema;
  if (storage.mode === 'shared') {
    for (const table of projection.tables) {
      await manager.query(`DELETE FROM "${live}"."${table}" WHERE tenant_id = $1`, [tenantId]);
      await manager.query(`INSERT INTO "${live}"."${table}" SELECT * FROM "${names.shadow}"."${table}"`);
    }
    return;
  }
  await manager.query(`CREATE SCHEMA "${names.old}"`);
  for (const table of projection.tables) {
    await manager.query(`ALTER TABLE "${live}"."${table}" SET SCHEMA "${names.old}"`);
    await manager.query(`ALTER TABLE "${names.shadow}"."${table}" SET SCHEMA "${live}"`);
  }
}
