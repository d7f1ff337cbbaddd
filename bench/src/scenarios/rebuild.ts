import { randomUUID } from 'node:crypto';
import { Pool, type PoolClient } from 'pg';
import type { EntityManager } from 'typeorm';
import type { OrderEvent } from '@platform/contracts';
import { PostgresEventStore, type NewEvent, type StreamAppend } from '@platform/event-store';
import {
  createReadModelDataSource,
  deprovisionTenantStorage,
  EventStoreRebuildSource,
  ORDERS_PROJECTION,
  ProjectionRebuilder,
  ProjectionVersions,
  provisionTenantStorage,
  TenantDataSources,
} from '@platform/read-models';
import type { BenchConfig } from '../config';
import { alternate, progress, toRow, type Row } from '../harness';
import { now } from '../stats';

/** Events seeded (BENCH_REBUILD_EVENTS), spread over the tenants; each order has 5 events. */
const EVENTS = Number(process.env['BENCH_REBUILD_EVENTS'] ?? 300_000);
const TENANTS = 10;
const PAGE = 5_000;

/**
 * Projection rebuild (ADR 0033): `EVENTS` order events of `TENANTS` schema-mode tenants seeded
 * straight into a fresh event-store schema, then the order projection of every tenant rebuilt.
 * Ours: the whole blue/green rebuild (`ProjectionRebuilder`: shadow schema by the migrations, the
 * log read in order through `readAll` in pages of 5,000, the fold, the switch under the lock, the
 * old tables dropped). Peer: the raw batched-upsert loop over the same events: pages of a plain
 * `ORDER BY global_position` query, the same fold and the same multi-row upserts of the order and
 * summary tables, into bare tables made once, with nothing else. Figure: events per second.
 */
export async function rebuildScenarios(
  config: BenchConfig,
  isSelected: (id: string) => boolean,
): Promise<Row[]> {
  if (!isSelected('rebuild')) return [];
  const suffix = config.runId.replace(/[^a-z0-9]/g, '');
  const esSchema = `bench_rebuild_es_${suffix}`;
  const rawSchema = `bench_rebuild_raw_${suffix}`;
  const pool = new Pool({ connectionString: config.databaseUrl, max: 4 });
  const store = new PostgresEventStore(pool, { schema: esSchema, readBatchSize: PAGE, wakeOnAppend: false });
  const sources = new TenantDataSources(createReadModelDataSource(config.databaseUrl, 4), config.databaseUrl);
  const tenants = Array.from({ length: TENANTS }, () => randomUUID());
  try {
    await store.migrate();
    await sources.main.initialize();
    const versions = new ProjectionVersions(sources.main);
    await versions.migrate();
    for (const tenantId of tenants) await provisionTenantStorage(config.databaseUrl, tenantId, 'schema');
    progress(`rebuild: seeding ${EVENTS} events of ${TENANTS} tenants into ${esSchema}`);
    await seed(pool, store, tenants, EVENTS);
    const rebuilder = new ProjectionRebuilder(
      sources,
      config.databaseUrl,
      new EventStoreRebuildSource(store, pool, esSchema),
      versions,
      PAGE,
    );
    await createRawTables(pool, rawSchema);

    const ours = async () => {
      const started = now();
      let events = 0;
      let switchMs = 0;
      for (const tenantId of tenants) {
        const result = await rebuilder.rebuildTenant(ORDERS_PROJECTION, tenantId, 'schema');
        events += result.events;
        switchMs = Math.max(switchMs, result.switchMs);
      }
      const seconds = (now() - started) / 1_000;
      return { value: events / seconds, extra: { events, seconds, longestSwitchMs: switchMs } };
    };
    const peer = async () => {
      await pool.query(
        `TRUNCATE "${rawSchema}".orders, "${rawSchema}".order_totals_hourly, "${rawSchema}".order_sku_totals_hourly`,
      );
      const started = now();
      let events = 0;
      for (const tenantId of tenants) events += await rawLoop(pool, esSchema, rawSchema, tenantId);
      const seconds = (now() - started) / 1_000;
      return { value: events / seconds, extra: { events, seconds } };
    };
    progress(`rebuild: ${config.reps} repetitions of each side`);
    const results = await alternate(
      config,
      [
        { side: 'ours', subject: ours },
        { side: 'peer', subject: peer },
      ],
      (subject) => subject(),
    );
    return [
      toRow(
        {
          id: 'rebuild',
          scenario: `projection rebuild, blue/green, ${EVENTS.toLocaleString('en-US')} order events of ${TENANTS} tenants (schema isolation), tenant after tenant`,
          unit: 'events/s',
          better: 'higher',
          peerLabel:
            'raw batched-upsert loop over the same events (plain paged SELECT, same fold and upserts, bare tables)',
        },
        results,
      ),
    ];
  } finally {
    if (!config.keep) {
      for (const tenantId of tenants) {
        await deprovisionTenantStorage(config.databaseUrl, tenantId, 'schema').catch(() => undefined);
      }
      await pool.query(`DROP SCHEMA IF EXISTS "${esSchema}" CASCADE`).catch(() => undefined);
      await pool.query(`DROP SCHEMA IF EXISTS "${rawSchema}" CASCADE`).catch(() => undefined);
    }
    await sources.close();
    await store.close();
  }
}

/** Orders of 5 events (created, 3 items, confirmed), written 1,000 streams per statement. */
async function seed(
  pool: Pool,
  store: PostgresEventStore,
  tenants: readonly string[],
  events: number,
): Promise<void> {
  const orders = Math.ceil(events / 5);
  const perStatement = 1_000;
  for (let first = 0; first < orders; first += perStatement) {
    const appends: StreamAppend[] = [];
    for (let n = first; n < Math.min(orders, first + perStatement); n += 1) {
      const tenantId = tenants[n % tenants.length] as string;
      const orderId = randomUUID();
      const at = new Date(Date.UTC(2026, 11, 1) + n * 1_000).toISOString();
      const orderEvents: OrderEvent[] = [
        { type: 'OrderCreated', data: { orderId, customerId: `c-${n % 97}` } },
        ...[0, 1, 2].map((k): OrderEvent => ({
          type: 'OrderItemAdded',
          data: {
            orderId,
            sku: `SKU-${(n + k) % 50}`,
            quantity: 1 + k,
            unitPrice: { amount: '9.99', currency: 'EUR' },
          },
        })),
        {
          type: 'OrderConfirmed',
          data: {
            orderId,
            customerId: `c-${n % 97}`,
            skus: [0, 1, 2].map((k) => ({ sku: `SKU-${(n + k) % 50}`, quantity: 1 + k })),
            total: { amount: '59.94', currency: 'EUR' },
            paymentToken: 'tok_bench',
          },
        },
      ];
      appends.push({
        tenantId,
        streamName: `order-${orderId}`,
        expectedVersion: 'no-stream',
        events: orderEvents.map((event): NewEvent => ({
          eventId: randomUUID(),
          type: event.type,
          data: event.data,
          schemaVersion: 1,
          metadata: {
            tenantId,
            correlationId: orderId,
            causationId: orderId,
            actor: 'bench',
            occurredAt: at,
          },
        })),
      });
    }
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await store.appendManyWithin(client, appends);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }
}

async function createRawTables(pool: Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.query(`CREATE SCHEMA "${schema}"`);
  for (const table of ORDERS_PROJECTION.tables) {
    // the same columns, keys and indexes as a tenant's tables
    const like: { s: string }[] = (
      await pool.query<{ s: string }>(
        `SELECT nspname AS s FROM pg_namespace WHERE nspname LIKE 'tenant\\_%' AND nspname <> 'tenant_shared'
          AND EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = nspname AND tablename = $1) LIMIT 1`,
        [table],
      )
    ).rows;
    const from = like[0]?.s;
    if (from === undefined) throw new Error(`no tenant schema with ${table} to copy`);
    await pool.query(`CREATE TABLE "${schema}"."${table}" (LIKE "${from}"."${table}" INCLUDING ALL)`);
  }
}

/** The peer: pages of a plain query, the pure fold, the same multi-row upserts; one transaction a page. */
async function rawLoop(pool: Pool, esSchema: string, rawSchema: string, tenantId: string): Promise<number> {
  let after = 0;
  let total = 0;
  for (;;) {
    const { rows } = await pool.query<{
      event_type: string;
      data: Record<string, unknown>;
      stream_version: string;
      global_position: string;
      occurred_at: string;
    }>(
      `SELECT event_type, data, stream_version, global_position, metadata->>'occurredAt' AS occurred_at
         FROM "${esSchema}".events WHERE tenant_id = $1 AND global_position > $2
        ORDER BY global_position LIMIT $3`,
      [tenantId, after, PAGE],
    );
    if (rows.length === 0) return total;
    const events = rows.map((row) => ({
      eventId: '',
      type: row.event_type,
      data: row.data,
      occurredAt: row.occurred_at,
      version: Number(row.stream_version),
      position: Number(row.global_position),
    }));
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('search_path', $1, true)`, [`"${rawSchema}"`]);
      await ORDERS_PROJECTION.applyPage(asManager(client), tenantId, events);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    total += rows.length;
    after = Number(rows[rows.length - 1]?.global_position);
    if (rows.length < PAGE) return total;
  }
}

/** The statements' one need of a TypeORM manager (`query`), on a plain pg client. */
function asManager(client: PoolClient): EntityManager {
  const query = async (text: string, values?: unknown[]): Promise<unknown[]> =>
    (await client.query<Record<string, unknown>>(text, values)).rows;
  return { query } as unknown as EntityManager;
}
