import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { eventually } from '@platform/testing';
import type { AllSubscription, Checkpoint, GlobalEvent, NewEvent } from '../event-store.port';
import { collect, idsOf, newEvent } from '../testing/contract/fixtures';
import {
  TEST_DATABASE_URL,
  dropSchema,
  randomTestSchema,
  withTestClient,
} from '../testing/postgres-test-schema';
import { toCheckedAllFilter } from '../global-log/all-filter';
import { NO_UPCASTING } from '../upcasting/upcaster-registry';
import { PostgresEventStore } from './postgres-event-store';
import { PostgresGlobalLog } from './postgres-global-log';
import { createSqlExecutor } from './sql-executor';
import { toAppendArrays } from './row-mapping';
import { type AppendRow, appendStatement } from './statements';

// The proof of ADR 0005: global positions are taken at insert, transactions commit in another
// order, and a reader following the global log must still never skip an event nor see one twice.
// Transactions are held open on their own connections and committed in a chosen order: no timing.

describe('gap-free global order on PostgreSQL', () => {
  const schema = randomTestSchema();
  const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
  let store: PostgresEventStore;
  const clients: Client[] = [];
  const subscriptions: AllSubscription[] = [];

  beforeAll(async () => {
    store = await PostgresEventStore.create({
      connectionString: TEST_DATABASE_URL,
      schema,
      pollIntervalMs: 10,
      readBatchSize: 4,
    });
    await store.migrate();
  });

  afterEach(async () => {
    await Promise.all(subscriptions.splice(0).map((subscription) => subscription.stop()));
    await Promise.all(clients.splice(0).map((client) => client.end()));
  });

  afterAll(async () => {
    await store.close();
    await pool.end();
    await dropSchema(schema);
  });

  async function connection(): Promise<Client> {
    const client = new Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    clients.push(client);
    return client;
  }

  /** Appends `event` to a new stream inside the open transaction of `client`; its global position. */
  async function appendInOpenTransaction(client: Client, tenantId: string, event: NewEvent): Promise<number> {
    const statement = appendStatement(
      schema,
      tenantId,
      `stream-${randomUUID()}`,
      { mode: 'no-stream', version: null },
      toAppendArrays([event]),
    );
    const [row] = (await client.query<AppendRow>(statement)).rows;
    return Number(row?.last_position);
  }

  /**
   * A subscription to the tenant, and a reader that follows the log batch by batch from a cursor,
   * taking what is readable now without waiting (as the subscription does on each poll).
   */
  function follow(tenantId: string) {
    const delivered: GlobalEvent[] = [];
    subscriptions.push(
      store.subscribeToAll({ filter: { tenantId }, handler: async (event) => void delivered.push(event) }),
    );
    const log = new PostgresGlobalLog(
      createSqlExecutor(pool, false),
      schema,
      toCheckedAllFilter({ tenantId }),
      NO_UPCASTING,
    );
    let cursor: Checkpoint | undefined;
    const read: GlobalEvent[] = [];
    const readMore = async (): Promise<GlobalEvent[]> => {
      const { events } = await log.readBatch(cursor, 100);
      cursor = events.at(-1)?.checkpoint ?? cursor;
      read.push(...events);
      return [...events];
    };
    return { delivered, read, readMore };
  }

  /** Positions committed now, as a reader following positions alone would see them. */
  const committedPositions = (tenantId: string): Promise<number[]> =>
    withTestClient(async (client) =>
      (
        await client.query<{ p: string }>(
          `select global_position::text as p from "${schema}".events where tenant_id = $1 order by 1`,
          [tenantId],
        )
      ).rows.map((row) => Number(row.p)),
    );

  /** Appends a last event and waits until the subscription delivers it: all before it are in. */
  async function sentinel(tenantId: string, delivered: GlobalEvent[]): Promise<NewEvent> {
    const event = newEvent(tenantId, 'sentinel');
    await store.appendToStream(tenantId, `sentinel-${randomUUID()}`, [event], {
      expectedVersion: 'no-stream',
    });
    await eventually(() => expect(idsOf(delivered)).toContain(event.eventId), { what: 'sentinel delivered' });
    return event;
  }

  it('holds back a higher position committed first until the lower one commits, then delivers both once', async () => {
    const tenantId = randomUUID();
    const { delivered, read, readMore } = follow(tenantId);
    const [older, younger] = [await connection(), await connection()];
    const [lowEvent, highEvent] = [newEvent(tenantId, 'low'), newEvent(tenantId, 'high')];

    await older.query('begin');
    const low = await appendInOpenTransaction(older, tenantId, lowEvent);
    await younger.query('begin');
    const high = await appendInOpenTransaction(younger, tenantId, highEvent);
    await younger.query('commit');

    // A reader following positions would now read `high` and move past `low` for good.
    expect(low).toBeLessThan(high);
    expect(await committedPositions(tenantId)).toEqual([high]);
    // This one reads nothing past the transaction still open.
    expect(await readMore()).toEqual([]);

    await older.query('commit');
    const last = await sentinel(tenantId, delivered);

    const expected = idsOf([lowEvent, highEvent, last]);
    expect(idsOf(delivered)).toEqual(expected);
    await readMore();
    expect(idsOf(read)).toEqual(expected);
  });

  it('delivers the older transaction first when it holds the higher position, and the lower one after it', async () => {
    const tenantId = randomUUID();
    const { delivered, read, readMore } = follow(tenantId);
    const [older, younger] = [await connection(), await connection()];
    const [lowEvent, highEvent] = [newEvent(tenantId, 'low'), newEvent(tenantId, 'high')];

    await older.query('begin');
    await older.query('select pg_current_xact_id()'); // takes its transaction id first
    await younger.query('begin');
    const low = await appendInOpenTransaction(younger, tenantId, lowEvent);
    const high = await appendInOpenTransaction(older, tenantId, highEvent);
    await older.query('commit');

    expect(low).toBeLessThan(high);
    expect(await committedPositions(tenantId)).toEqual([high]);
    // The older transaction has ended: its event is readable, ahead of the younger one's.
    await eventually(() => expect(idsOf(delivered)).toEqual([highEvent.eventId]));
    expect(idsOf(await readMore())).toEqual([highEvent.eventId]);

    await younger.query('commit');
    const last = await sentinel(tenantId, delivered);

    const expected = idsOf([highEvent, lowEvent, last]);
    expect(idsOf(delivered)).toEqual(expected);
    await readMore();
    expect(idsOf(read)).toEqual(expected);
    expect(idsOf(await collect(() => store.readAll({ tenantId })))).toEqual(expected);
  });

  it('delivers every event once, in (transaction, position) order, when ten transactions commit shuffled', async () => {
    const tenantId = randomUUID();
    const { delivered, read, readMore } = follow(tenantId);
    const open = await Promise.all(Array.from({ length: 10 }, () => connection()));
    const appended: NewEvent[] = [];
    for (const [index, client] of open.entries()) {
      await client.query('begin');
      if (index % 3 === 0) await client.query('select pg_current_xact_id()'); // vary xid vs position order
    }
    for (const client of [...open].reverse()) {
      const event = newEvent(tenantId, { n: appended.length });
      appended.push(event);
      await appendInOpenTransaction(client, tenantId, event);
    }

    for (const index of [7, 2, 9, 0, 5, 3, 8, 1, 6, 4]) {
      await open[index]?.query('commit');
      await readMore();
    }
    const last = await sentinel(tenantId, delivered);
    await readMore();

    const inLogOrder = await withTestClient(async (client) =>
      (
        await client.query<{ id: string }>(
          `select event_id::text as id from "${schema}".events where tenant_id = $1 ` +
            'order by transaction_id, global_position',
          [tenantId],
        )
      ).rows.map((row) => row.id),
    );
    expect(inLogOrder).toHaveLength(11);
    expect(new Set(inLogOrder)).toEqual(new Set(idsOf([...appended, last])));
    expect(idsOf(delivered)).toEqual(inLogOrder);
    expect(idsOf(read)).toEqual(inLogOrder);
  });

  it('reads everything committed when readAll starts, waiting for (never skipping) an older open transaction', async () => {
    const tenantId = randomUUID();
    const { readMore } = follow(tenantId);
    const blocker = await connection();
    await blocker.query('begin');
    await blocker.query('select pg_current_xact_id()'); // an older transaction, writing nothing here

    const event = newEvent(tenantId, 'after the blocker');
    await store.appendToStream(tenantId, `s-${randomUUID()}`, [event], { expectedVersion: 'no-stream' });
    const reading = collect(() => store.readAll({ tenantId }));
    expect(await readMore()).toEqual([]); // committed, but not readable while the blocker is open

    await blocker.query('rollback');
    expect(idsOf(await reading)).toEqual([event.eventId]);
  });
});
