import { randomBytes, randomUUID } from 'node:crypto';
import { Pool, type PoolClient } from 'pg';
import { eventually, testInfra } from '@platform/testing';
import { UsageCounters, type ConsumeRequest, type ConsumeResult } from './usage-counters';

// The counters on a real PostgreSQL, each run in a throwaway schema.

describe('UsageCounters on PostgreSQL', () => {
  const schema = `quotas_test_${randomBytes(4).toString('hex')}`;
  const pool = new Pool({ connectionString: testInfra.databaseUrl, max: 6 });
  const counters = new UsageCounters(pool, { schema });
  const january = new Date('2026-01-20T10:00:00.000Z');
  const february = new Date('2026-02-01T00:00:00.000Z');

  beforeAll(() => counters.migrate());
  afterAll(async () => {
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
  });

  async function inTransaction<T>(work: (tx: PoolClient) => Promise<T>, commit = true): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const result = await work(client);
      await client.query(commit ? 'commit' : 'rollback');
      return result;
    } catch (error) {
      await client.query('rollback');
      throw error;
    } finally {
      client.release();
    }
  }

  const request = (tenantId: string, limit: number, at = january): ConsumeRequest => ({
    tenantId,
    metric: 'orders',
    limit,
    at,
  });
  const consume = (req: ConsumeRequest): Promise<ConsumeResult> =>
    inTransaction((tx) => counters.consume(tx, req));

  it('counts units up to the limit, then refuses with the seconds left in the month', async () => {
    const tenantId = randomUUID();

    const results = [];
    for (let i = 0; i < 4; i++) results.push(await consume(request(tenantId, 3)));

    expect(results.map((r) => [r.ok, r.used])).toEqual([
      [true, 1],
      [true, 2],
      [true, 3],
      [false, 3],
    ]);
    expect(results[3]).toMatchObject({
      ok: false,
      limit: 3,
      period: { start: '2026-01-01' },
      retryAfterSeconds: (Date.parse('2026-02-01T00:00:00Z') - january.getTime()) / 1000,
    });
    expect(await counters.usage(tenantId, 'orders', january)).toBe(3);
  });

  it('lets exactly the limit through when consumers race for the last units', async () => {
    const tenantId = randomUUID();
    const limit = 5;
    await consume(request(tenantId, limit));
    await consume(request(tenantId, limit));

    // Two consumers, each trying to take every remaining unit and more, at the same time.
    const racer = async (): Promise<boolean[]> => {
      const taken: boolean[] = [];
      for (let i = 0; i < limit; i++) taken.push((await consume(request(tenantId, limit))).ok);
      return taken;
    };
    const [first, second] = await Promise.all([racer(), racer()]);

    expect([...(first ?? []), ...(second ?? [])].filter(Boolean)).toHaveLength(limit - 2);
    expect(await counters.usage(tenantId, 'orders', january)).toBe(limit);
  });

  it('makes a consumer at the limit wait for the open transaction of another, then refuses it', async () => {
    const tenantId = randomUUID();
    const events: string[] = [];
    const holder = await pool.connect();
    try {
      await holder.query('begin');
      expect((await counters.consume(holder, request(tenantId, 1))).ok).toBe(true);
      // The second consumer blocks on the counter's row until the holder commits.
      const second = consume(request(tenantId, 1)).then((result) => {
        events.push('second done');
        return result;
      });
      await waitUntilBlocked();
      events.push('holder commits');
      await holder.query('commit');

      expect(await second).toMatchObject({ ok: false, used: 1 });
      expect(events).toEqual(['holder commits', 'second done']);
    } finally {
      holder.release();
    }
  });

  it('keeps no unit taken in a transaction that rolls back', async () => {
    const tenantId = randomUUID();

    await inTransaction((tx) => counters.consume(tx, request(tenantId, 1)), false);

    expect(await counters.usage(tenantId, 'orders', january)).toBe(0);
    expect((await consume(request(tenantId, 1))).ok).toBe(true);
  });

  it('counts each tenant, month and metric on its own', async () => {
    const [tenantA, tenantB] = [randomUUID(), randomUUID()];
    expect((await consume(request(tenantA, 1))).ok).toBe(true);
    expect((await consume(request(tenantA, 1))).ok).toBe(false);

    expect((await consume(request(tenantB, 1))).ok).toBe(true);
    expect((await consume(request(tenantA, 1, february))).ok).toBe(true);
    expect((await consume({ ...request(tenantA, 1), metric: 'api-calls' })).ok).toBe(true);
    expect(await counters.usage(tenantA, 'orders', january)).toBe(1);
    expect(await counters.usage(tenantA, 'orders', february)).toBe(1);
    expect(await counters.usage(tenantB, 'orders', january)).toBe(1);
  });

  it('refuses everything under a limit of 0 and still reports what is used', async () => {
    const tenantId = randomUUID();
    await consume(request(tenantId, 2));

    expect(await consume(request(tenantId, 0))).toMatchObject({ ok: false, used: 1, limit: 0 });
    // A plan lowered below what was used: refused, usage unchanged.
    expect(await consume(request(tenantId, 1))).toMatchObject({ ok: false, used: 1, limit: 1 });
  });

  it('purges every counter of one tenant and no other', async () => {
    const [gone, kept] = [randomUUID(), randomUUID()];
    await consume(request(gone, 5));
    await consume(request(gone, 5, february));
    await consume(request(kept, 5));

    expect(await counters.purgeTenant(gone)).toBe(2);

    expect(await counters.usage(gone, 'orders', january)).toBe(0);
    expect(await counters.usage(gone, 'orders', february)).toBe(0);
    expect(await counters.usage(kept, 'orders', january)).toBe(1);
  });

  it('keeps the last measure of a gauge per tenant and checks it against a limit', async () => {
    const [tenantId, other] = [randomUUID(), randomUUID()];
    const limit = { metric: 'storage-bytes', limit: 1_000 };

    // never measured: within the quota
    expect(await counters.checkGauge(undefined, { tenantId, ...limit })).toEqual({
      ok: true,
      value: 0,
      limit: 1_000,
    });
    await counters.setGauge(tenantId, 'storage-bytes', 5_000, january);
    await counters.setGauge(other, 'storage-bytes', 10, january);
    expect(await counters.checkGauge(undefined, { tenantId, ...limit })).toEqual({
      ok: false,
      value: 5_000,
      limit: 1_000,
      measuredAt: january,
    });
    // a new measure replaces the last one; the other tenant is its own
    await counters.setGauge(tenantId, 'storage-bytes', 900, february);
    expect(await inTransaction((tx) => counters.checkGauge(tx, { tenantId, ...limit }))).toMatchObject({
      ok: true,
      value: 900,
    });
    expect(await counters.checkGauge(undefined, { tenantId: other, ...limit })).toMatchObject({ value: 10 });

    // purged with the tenant's counters
    await consume(request(tenantId, 5));
    expect(await counters.purgeTenant(tenantId)).toBe(2);
    expect(await counters.checkGauge(undefined, { tenantId, ...limit })).toMatchObject({ value: 0 });
    expect(await counters.checkGauge(undefined, { tenantId: other, ...limit })).toMatchObject({ value: 10 });
    await expect(counters.setGauge(tenantId, 'storage-bytes', -1, january)).rejects.toThrow(TypeError);
  });

  it('refuses a bad tenant id, metric or limit before touching the database', async () => {
    const tenantId = randomUUID();
    await expect(consume({ ...request(tenantId, 1), tenantId: 'nope' })).rejects.toThrow(TypeError);
    await expect(consume({ ...request(tenantId, 1), metric: "x'; drop" })).rejects.toThrow(TypeError);
    await expect(consume(request(tenantId, 1.5))).rejects.toThrow(TypeError);
    await expect(consume(request(tenantId, -1))).rejects.toThrow(TypeError);
    expect(await counters.usage(tenantId, 'orders', january)).toBe(0);
  });

  /** Until a session waits on a lock while taking a unit of this schema's counters. */
  async function waitUntilBlocked(): Promise<void> {
    await eventually(
      async () => {
        const { rows } = await pool.query<{ waiting: number }>(
          `select count(*)::int as waiting from pg_stat_activity
            where wait_event_type = 'Lock' and query like $1`,
          [`insert into "${schema}".usage%`],
        );
        expect(rows[0]?.waiting).toBe(1);
      },
      { what: 'a second consumer waiting for the counter' },
    );
  }
  describe('consumeMany (a group of commands of one tenant)', () => {
    const many = (tenantId: string, limit: number, units: number) =>
      inTransaction((tx) => counters.consumeMany(tx, { ...request(tenantId, limit), units }));

    it('grants as many units as fit, in one statement, then none', async () => {
      const tenantId = randomUUID();

      expect(await many(tenantId, 5, 3)).toMatchObject({ granted: 3, used: 3 });
      expect(await many(tenantId, 5, 3)).toMatchObject({ granted: 2, used: 5 });
      expect(await many(tenantId, 5, 3)).toMatchObject({ granted: 0, used: 5, limit: 5 });
      expect(await counters.usage(tenantId, 'orders', january)).toBe(5);
    });

    it('never grants more than the limit between concurrent groups, even on a new counter', async () => {
      const tenantId = randomUUID();

      const results = await Promise.all(Array.from({ length: 6 }, () => many(tenantId, 10, 4)));

      expect(results.reduce((sum, r) => sum + r.granted, 0)).toBe(10);
      expect(await counters.usage(tenantId, 'orders', january)).toBe(10);
    });

    it('takes none past a limit lowered below what is used', async () => {
      const tenantId = randomUUID();
      await many(tenantId, 8, 8);

      expect(await many(tenantId, 5, 2)).toMatchObject({ granted: 0, used: 8 });
    });

    it('gives back, in the same transaction, units of commands that failed after all', async () => {
      const tenantId = randomUUID();

      await inTransaction(async (tx) => {
        const taken = await counters.consumeMany(tx, { ...request(tenantId, 10), units: 4 });
        await counters.giveBack(tx, request(tenantId, 10), taken.granted - 1);
      });

      expect(await counters.usage(tenantId, 'orders', january)).toBe(1);
    });
  });
});
