import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { eventually } from '@platform/testing';
import type { AllSubscription, GlobalEvent, NewEvent } from '../event-store.port';
import { idsOf, newEvent } from '../testing/contract/fixtures';
import {
  TEST_DATABASE_URL,
  dropSchema,
  randomTestSchema,
  withTestClient,
} from '../testing/postgres-test-schema';
import { appendedChannel } from './append-notifier';
import { PostgresEventStore } from './postgres-event-store';
import { toAppendArrays } from './row-mapping';
import { appendStatement } from './statements';

// ADR 0016: a live subscription reads when an append is announced, not on a timer. The fallback
// poll is set to a minute here, so a delivery within the probes' 5 s comes from a wake-up (or from
// the 20 ms poll that runs only while an older running transaction holds readable events back).

const FALLBACK_MS = 60_000;
const WITHIN_MS = 5_000;

describe('wake-up on append (PostgreSQL LISTEN/NOTIFY)', () => {
  const schema = randomTestSchema();
  const channel = appendedChannel(schema);
  let tenantId = randomUUID();
  const subscriptions: AllSubscription[] = [];
  const clients: Client[] = [];
  let store: PostgresEventStore;

  beforeAll(async () => {
    store = await PostgresEventStore.create({
      connectionString: TEST_DATABASE_URL,
      schema,
      pollIntervalMs: 20,
      wakeOnAppend: { fallbackPollMs: FALLBACK_MS },
    });
    await store.migrate();
  });

  beforeEach(() => {
    tenantId = randomUUID(); // each test follows a tenant of its own
  });

  afterEach(async () => {
    await Promise.all(subscriptions.splice(0).map((subscription) => subscription.stop()));
    await Promise.all(clients.splice(0).map((client) => client.end()));
  });

  afterAll(async () => {
    await store.close();
    await dropSchema(schema);
  });

  /** The backend that LISTENs on this store's channel, once it does. */
  const listenerPid = (): Promise<number> =>
    eventually(
      () =>
        withTestClient(async (client) => {
          const { rows } = await client.query<{ pid: number }>(
            `select pid from pg_stat_activity where application_name = 'event-store-listen' and query = $1`,
            [`listen "${channel}"`],
          );
          expect(rows).toHaveLength(1);
          return rows[0]?.pid ?? 0;
        }),
      { timeoutMs: WITHIN_MS, what: 'the store LISTENs on its channel' },
    );

  /** A caught-up subscription whose LISTEN connection is up, with what it delivers. */
  async function liveSubscription(): Promise<GlobalEvent[]> {
    const delivered: GlobalEvent[] = [];
    const subscription = store.subscribeToAll({
      filter: { tenantId },
      handler: async (event) => void delivered.push(event),
    });
    subscriptions.push(subscription);
    await subscription.caughtUp;
    await listenerPid();
    return delivered;
  }

  /** Listens on `name`; `heard` resolves once a notification comes. */
  async function heardOn(name: string): Promise<{ heard: Promise<void> }> {
    const client = new Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    clients.push(client);
    const heard = new Promise<void>((resolve) => client.once('notification', () => resolve()));
    await client.query(`listen "${name}"`);
    return { heard };
  }

  const serverNow = (): Promise<string> =>
    withTestClient(async (client) => {
      const { rows } = await client.query<{ now: string }>('select clock_timestamp()::text as now');
      return rows[0]?.now ?? '';
    });

  /** Waits until a read of this store's global log started after `since` and finished. */
  const readSince = (since: string): Promise<void> =>
    eventually(
      () =>
        withTestClient(async (client) => {
          const { rows } = await client.query<{ n: number }>(
            `select count(*)::int as n from pg_stat_activity
              where state = 'idle' and query_start > $1::timestamptz
                and query like '%readable_below%' and query like $2`,
            [since, `%"${schema}".events%`],
          );
          expect(rows[0]?.n).toBeGreaterThan(0);
        }),
      { timeoutMs: WITHIN_MS, what: 'a read of the log after the wake-up' },
    );

  const append = async (event: NewEvent): Promise<void> => {
    await store.appendToStream(tenantId, `wake-${randomUUID()}`, [event], { expectedVersion: 'no-stream' });
  };

  const deliveredWithin = (delivered: GlobalEvent[], expected: NewEvent[], what: string) =>
    eventually(() => expect(idsOf(delivered)).toEqual(idsOf(expected)), { timeoutMs: WITHIN_MS, what });

  it('delivers an append at once, without waiting for the fallback poll', async () => {
    const delivered = await liveSubscription();
    const first = newEvent(tenantId, { n: 1 });
    const second = newEvent(tenantId, { n: 2 });

    await append(first);
    await deliveredWithin(delivered, [first], 'the first append delivered');
    await append(second);
    await deliveredWithin(delivered, [first, second], 'the second append delivered');
  });

  it('wakes when the caller-owned transaction of appendWithin commits', async () => {
    const delivered = await liveSubscription();
    const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
    const writer = new PostgresEventStore(pool, { schema });
    const event = newEvent(tenantId, { within: true });
    const client = await pool.connect();
    try {
      await client.query('begin');
      await writer.appendWithin(client, tenantId, `wake-${randomUUID()}`, [event], {
        expectedVersion: 'no-stream',
      });
      expect(delivered).toEqual([]); // not committed: nothing to read (and no notification yet)
      await client.query('commit');
    } finally {
      client.release();
    }

    await deliveredWithin(delivered, [event], 'the event appended within a transaction delivered');
    await writer.close();
    await pool.end();
  });

  it('listens again after its connection is terminated, and reads what was appended meanwhile', async () => {
    const delivered = await liveSubscription();
    const before = await listenerPid();
    const whileDown = newEvent(tenantId, { whileDown: true });
    const after = newEvent(tenantId, { after: true });

    await withTestClient((client) => client.query('select pg_terminate_backend($1)', [before]));
    await append(whileDown);
    await deliveredWithin(delivered, [whileDown], 'the append made while reconnecting delivered');
    expect(await listenerPid()).not.toBe(before);
    await append(after);
    await deliveredWithin(delivered, [whileDown, after], 'the append after the reconnection delivered');
  });

  it('keeps reading while an older open transaction holds a woken read back, then delivers both in order', async () => {
    const delivered = await liveSubscription();
    const older = new Client({ connectionString: TEST_DATABASE_URL });
    await older.connect();
    clients.push(older);
    const first = newEvent(tenantId, { older: true });
    const second = newEvent(tenantId, { newer: true });

    // the older transaction appends without announcing anything (a raw statement) and stays open
    await older.query('begin');
    await older.query(
      appendStatement(
        schema,
        tenantId,
        `wake-${randomUUID()}`,
        { mode: 'no-stream', version: null },
        toAppendArrays([first]),
      ),
    );
    const announced = await heardOn(channel);
    await append(second); // announced: wakes the subscription, whose read is held back by `older`
    await announced.heard;
    await readSince(await serverNow()); // a read after the wake-up, held back
    expect(delivered).toEqual([]);
    await older.query('commit'); // announces nothing: only the held-back poll can find both now

    await deliveredWithin(delivered, [first, second], 'both events delivered in log order');
  });

  it('coalesces notifications: a burst of appends sends fewer than one each, and at least one after the last', async () => {
    const listener = new Client({ connectionString: TEST_DATABASE_URL });
    await listener.connect();
    clients.push(listener);
    let heard = 0;
    listener.on('notification', (message) => {
      if (message.channel === channel) heard += 1;
    });
    await listener.query(`listen "${channel}"`);
    const burst = Array.from({ length: 40 }, (_, i) => newEvent(tenantId, { burst: i }));

    await Promise.all(burst.map((event) => append(event)));

    await eventually(() => expect(heard).toBeGreaterThanOrEqual(1), { timeoutMs: WITHIN_MS });
    expect(heard).toBeLessThan(burst.length);
  });
});
