import { randomUUID } from 'node:crypto';
import type { GlobalEvent } from '../event-store.port';
import { collect, idsOf, newEvent } from '../testing/contract/fixtures';
import {
  TEST_DATABASE_URL,
  dropSchema,
  randomTestSchema,
  withTestClient,
} from '../testing/postgres-test-schema';
import { PostgresEventStore } from './postgres-event-store';

// The global log is ordered by (transaction id, global position) as numbers. Both are read as text
// (xid8 and bigint exceed 2^53), and a statement that orders by a column it also returns as text
// under the same name orders by the text: "1000" < "999". On a fresh cluster transaction ids cross
// 999 -> 1000 and 9999 -> 10000 while tests run; that made readers skip events and take an older
// event for the head. Here the events get crafted transaction ids and positions of different
// lengths (all below any running transaction, so all readable), so the check does not depend on
// where the cluster's transaction counter happens to be.

describe('global log order on PostgreSQL is numeric, not textual', () => {
  const schema = randomTestSchema();
  const [tenantA, tenantB] = [randomUUID(), randomUUID()];
  let store: PostgresEventStore;
  /** Event ids in the order their crafted (transaction id, position) pairs put them. */
  const expected: string[] = [];

  // (transaction id, global position): in numeric order; text order would differ in both columns
  const CRAFTED: [tenant: 'A' | 'B', transactionId: number, position: number][] = [
    ['A', 5, 1000],
    ['B', 9, 99],
    ['A', 10, 7],
    ['A', 99, 9],
    ['B', 99, 10],
    ['A', 100, 2],
    ['B', 101, 100],
    ['A', 101, 1001],
  ];

  beforeAll(async () => {
    store = await PostgresEventStore.create({
      connectionString: TEST_DATABASE_URL,
      schema,
      readBatchSize: 2,
      pollIntervalMs: 10,
    });
    await store.migrate();
    // appends take positions from 1,000,000 on, clear of the crafted ones they are moved to
    await withTestClient((client) =>
      client.query(`select setval(pg_get_serial_sequence('"${schema}".events', 'global_position'), 1000000)`),
    );
    for (const [tenant, transactionId, position] of CRAFTED) {
      const tenantId = tenant === 'A' ? tenantA : tenantB;
      const event = newEvent(tenantId, { transactionId, position });
      await store.appendToStream(tenantId, `order-${randomUUID()}`, [event], {
        expectedVersion: 'no-stream',
      });
      await withTestClient((client) =>
        client.query(
          `update "${schema}".events set transaction_id = $2::text::xid8, global_position = $3 where event_id = $1`,
          [event.eventId, transactionId, position],
        ),
      );
      expected.push(event.eventId);
    }
  });

  afterAll(async () => {
    await store.close();
    await dropSchema(schema);
  });

  const readAll = (options: Parameters<PostgresEventStore['readAll']>[0] = {}): Promise<GlobalEvent[]> =>
    collect(() => store.readAll(options));
  const ofTenant = (tenantId: string): string[] =>
    expected.filter((_, i) => (CRAFTED[i]?.[0] === 'A' ? tenantA : tenantB) === tenantId);

  it('reads the whole log in numeric order, in batches smaller than the log', async () => {
    expect(idsOf(await readAll())).toEqual(expected);
  });

  it("reads a tenant's events in numeric order", async () => {
    expect(idsOf(await readAll({ tenantId: tenantA }))).toEqual(ofTenant(tenantA));
    expect(idsOf(await readAll({ tenantId: tenantB }))).toEqual(ofTenant(tenantB));
  });

  it('resumes after every checkpoint without skipping, up to the numeric head', async () => {
    const all = await readAll();
    for (const [index, event] of all.entries()) {
      expect(idsOf(await readAll({ from: event.checkpoint }))).toEqual(expected.slice(index + 1));
    }
  });

  it('a catch-up subscription delivers every event and is caught up at the numeric head', async () => {
    const delivered: string[] = [];
    const subscription = store.subscribeToAll({
      handler: async (event) => {
        delivered.push(event.eventId);
      },
    });
    try {
      await subscription.caughtUp;
      expect(delivered).toEqual(expected);
    } finally {
      await subscription.stop();
    }
  });
});
