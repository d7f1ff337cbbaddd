import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { orderStreamName, type OrderEvent, type TenantIsolation } from '@platform/contracts';
import { PostgresEventStore } from '@platform/event-store';
import { testInfra } from '@platform/testing';
import { createReadModelDataSource } from '../data-source';
import { projectOrders } from '../orders/order-projection';
import { OrderViewStore } from '../orders/order-view.store';
import { deprovisionTenantStorage, provisionTenantStorage } from '../provisioning';
import { SeenPositions } from '../seen-positions';
import { TenantDataSources } from '../tenant-data-sources';
import { storageOf } from '../tenant-storage';
import { ProjectionRebuilder } from './projection-rebuilder';
import { ProjectionVersions } from './projection-versions';
import { EventStoreRebuildSource, type RebuildEventSource } from './rebuild-event-source';
import { ORDERS_PROJECTION } from './rebuildable-projection';

// Blue/green rebuild of the order projection (ADR 0033) on a real PostgreSQL: the event store in a
// schema of the test's own, the live path simulated by what the Kafka consumer calls (applyBatch,
// right after each append), in every isolation mode.

const url = testInfra.databaseUrl;
const modes: TenantIsolation[] = ['shared', 'schema', 'dedicated'];
const esSchema = `es_rebuild_${randomUUID().slice(0, 8)}`;

const pool = new Pool({ connectionString: url, max: 4 });
let store: PostgresEventStore;

beforeAll(async () => {
  store = new PostgresEventStore(pool, { schema: esSchema, readBatchSize: 50, wakeOnAppend: false });
  await store.migrate();
});

afterAll(async () => {
  await pool.query(`DROP SCHEMA IF EXISTS "${esSchema}" CASCADE`);
  await store.close();
  await pool.end();
});

/** The order and summary tables of a tenant, as text rows in a stable order. */
async function modelOf(sources: TenantDataSources, tenantId: string, isolation: TenantIsolation) {
  const storage = storageOf(tenantId, isolation);
  const source = await sources.forStorage(storage);
  const out: Record<string, string[]> = {};
  for (const table of ORDERS_PROJECTION.tables) {
    const rows: { r: string }[] = await source.query(
      `SELECT t::text AS r FROM "${storage.schema}"."${table}" t WHERE tenant_id = $1 ORDER BY t::text`,
      [tenantId],
    );
    out[table] = rows.map((row) => row.r);
  }
  return out;
}

describe.each(modes)('projection rebuild, isolation %s, on real PostgreSQL', (isolation) => {
  const [tenantA, tenantB] = [randomUUID(), randomUUID()];
  const sources = new TenantDataSources(createReadModelDataSource(url, 6), url);
  const positions = new SeenPositions(sources.main);
  const versions = new ProjectionVersions(sources.main);
  const live = new OrderViewStore(sources, () => isolation, positions);
  let rebuilder: ProjectionRebuilder;

  /** Appends to the store, then applies to the live model as the consumer would. */
  async function write(
    tenantId: string,
    orderId: string,
    events: OrderEvent[],
    from: number,
  ): Promise<number> {
    const stored = events.map((event) => ({
      eventId: randomUUID(),
      type: event.type,
      data: event.data,
      schemaVersion: 1,
      metadata: {
        tenantId,
        correlationId: randomUUID(),
        causationId: randomUUID(),
        actor: 'test',
        occurredAt: new Date(Date.UTC(2026, 11, 3, 10, from % 60, events.length)).toISOString(),
      },
    }));
    const result = await store.appendToStream(tenantId, orderStreamName(orderId), stored, {
      expectedVersion: from === 0 ? 'no-stream' : from,
    });
    await live.applyBatch(
      tenantId,
      stored.map((e, i) => ({
        eventId: e.eventId,
        event: events[i] as OrderEvent,
        occurredAt: e.metadata.occurredAt,
        version: from + i + 1,
        position: result.lastPosition - (stored.length - 1 - i),
      })),
    );
    return result.lastPosition;
  }

  const order = (orderId: string, n: number): OrderEvent[] => [
    { type: 'OrderCreated', data: { orderId, customerId: `c-${n % 3}` } },
    ...Array.from({ length: 1 + (n % 4) }, (_, k): OrderEvent => ({
      type: 'OrderItemAdded',
      data: { orderId, sku: `SKU-${k}`, quantity: 1 + k, unitPrice: { amount: '2.50', currency: 'EUR' } },
    })),
    ...(n % 2 === 0 ? [{ type: 'OrderConfirmed', data: { orderId } } as OrderEvent] : []),
  ];

  beforeAll(async () => {
    await sources.main.initialize();
    await positions.migrate();
    await versions.migrate();
    await Promise.all([tenantA, tenantB].map((t) => provisionTenantStorage(url, t, isolation)));
    // page size 40: the test's tenants span several pages
    rebuilder = new ProjectionRebuilder(
      sources,
      url,
      new EventStoreRebuildSource(store, pool, esSchema),
      versions,
      40,
    );
  }, 60_000);

  afterAll(async () => {
    await sources.close();
    for (const tenant of [tenantA, tenantB]) await deprovisionTenantStorage(url, tenant, isolation);
  }, 30_000);

  it('rebuilds a damaged model to the live one, row for row, for two tenants; the other one untouched', async () => {
    for (const tenant of [tenantA, tenantB]) {
      for (let n = 0; n < 40; n++) {
        const orderId = randomUUID();
        await write(tenant, orderId, order(orderId, n), 0);
      }
    }
    const expectedA = await modelOf(sources, tenantA, isolation);
    const expectedB = await modelOf(sources, tenantB, isolation);
    expect(expectedA['orders']).toHaveLength(40);
    // damage A's model: the rebuild must put it right from the store
    const storage = storageOf(tenantA, isolation);
    const source = await sources.forStorage(storage);
    await source.query(`UPDATE "${storage.schema}".orders SET status = 'bogus' WHERE tenant_id = $1`, [
      tenantA,
    ]);
    await source.query(`DELETE FROM "${storage.schema}".order_totals_hourly WHERE tenant_id = $1`, [tenantA]);

    const resultA = await rebuilder.rebuildTenant(ORDERS_PROJECTION, tenantA, isolation);

    expect(resultA.events).toBe(await rebuilder.count(ORDERS_PROJECTION, tenantA));
    expect(await modelOf(sources, tenantA, isolation)).toEqual(expectedA);
    expect(await modelOf(sources, tenantB, isolation)).toEqual(expectedB);

    await rebuilder.rebuildTenant(ORDERS_PROJECTION, tenantB, isolation);
    expect(await modelOf(sources, tenantB, isolation)).toEqual(expectedB);
    expect(await modelOf(sources, tenantA, isolation)).toEqual(expectedA);
  }, 120_000);

  it('keeps answering reads and applying writes during a rebuild; the writes are in the result', async () => {
    const firstOrder = randomUUID();
    await write(tenantA, firstOrder, order(firstOrder, 1), 0);
    const written: string[] = [];
    let lastPosition = 0;
    let stop = false;
    let reads = 0;
    const writer = (async () => {
      for (let n = 0; !stop || n < 5; n++) {
        const orderId = randomUUID();
        lastPosition = await write(tenantA, orderId, order(orderId, n), 0);
        written.push(orderId);
      }
    })();
    const reader = (async () => {
      while (!stop) {
        const row = await live.findOrder(tenantA, firstOrder);
        expect(row?.id).toBe(firstOrder);
        reads += 1;
      }
    })();
    // one write lands for sure between the bulk pass and the switch: only the catch-up under the
    // lock can bring it into the new model
    const lateOrder = randomUUID();
    const source = new EventStoreRebuildSource(store, pool, esSchema);
    let late = false;
    const hooked: RebuildEventSource = {
      count: (tenantId, types) => source.count(tenantId, types),
      read: async (tenantId, types, after, limit) => {
        const page = await source.read(tenantId, types, after, limit);
        if (!late && page.events.length < limit) {
          late = true;
          await write(tenantA, lateOrder, order(lateOrder, 2), 0);
        }
        return page;
      },
    };
    const result = await new ProjectionRebuilder(sources, url, hooked, versions, 40).rebuildTenant(
      ORDERS_PROJECTION,
      tenantA,
      isolation,
    );
    stop = true;
    expect(late).toBe(true);
    expect((await live.findOrder(tenantA, lateOrder))?.status).toBe('confirmed');
    expect(result.caughtUpUnderLock).toBeGreaterThan(0);
    await Promise.all([writer, reader]);

    expect(reads).toBeGreaterThan(0);
    expect(result.events).toBeGreaterThan(0);
    // the model equals a fold of everything in the store, the writes during the rebuild included
    const storedEvents: {
      type: string;
      data: { orderId: string };
      version: number;
      at: string;
      position: number;
    }[] = [];
    for await (const e of store.readAll({ tenantId: tenantA })) {
      storedEvents.push({
        type: e.type,
        data: e.data as { orderId: string },
        version: e.streamVersion,
        at: e.metadata.occurredAt,
        position: e.globalPosition,
      });
    }
    const folded = projectOrders(
      new Map(),
      storedEvents.map((e) => ({
        event: { type: e.type, data: e.data } as OrderEvent,
        meta: { occurredAt: e.at, version: e.version, position: e.position },
      })),
    ).changed;
    const rows = await Promise.all(folded.map((row) => live.findOrder(tenantA, row.id)));
    expect(rows).toEqual(folded.map((row) => ({ ...row, items: [...row.items] })));
    for (const orderId of written) expect((await live.findOrder(tenantA, orderId))?.id).toBe(orderId);
    // the consistency token of the last write still holds after the switch
    expect(await positions.seen(tenantA, lastPosition)).toBe(true);
  }, 120_000);
});
