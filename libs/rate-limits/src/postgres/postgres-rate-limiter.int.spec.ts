import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { eventually, testInfra, uniqueSuffix } from '@platform/testing';
import type { RateLimitPolicy } from '../rate-limit-policy';
import type { RateLimitDecision } from '../rate-limiter';
import { PostgresRateLimiter } from './postgres-rate-limiter';

/** Two limiters on one database stand for two gateway instances. */
describe('PostgresRateLimiter on PostgreSQL', () => {
  const schema = `rl_test_${uniqueSuffix()}`;
  /** A one-second window, for the test that waits for it to pass. */
  const free: RateLimitPolicy = { name: 'free', quota: 10, windowSeconds: 1 };
  let first: PostgresRateLimiter;
  let second: PostgresRateLimiter;

  beforeAll(async () => {
    [first, second] = await Promise.all([
      PostgresRateLimiter.create({ connectionString: testInfra.databaseUrl, schema }),
      PostgresRateLimiter.create({ connectionString: testInfra.databaseUrl, schema }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
    await withClient((client) => client.query(`drop schema if exists "${schema}" cascade`));
  });

  async function withClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: testInfra.databaseUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  const storedPoints = (tenant: string): Promise<number | undefined> =>
    withClient(async (client) => {
      const { rows } = await client.query<{ points: number }>(
        `select points from "${schema}".budgets where key = $1`,
        [`tenant:${tenant}`],
      );
      return rows[0]?.points;
    });

  it('shares one tenant budget between instances, and keeps another tenant apart', async () => {
    const tenant = randomUUID();
    const other = randomUUID();
    const policy: RateLimitPolicy = { name: 'free', quota: 10, windowSeconds: 30 };
    const decisions: RateLimitDecision[] = [];
    for (let i = 0; i < 10; i++) decisions.push(await (i % 2 === 0 ? first : second).consume(tenant, policy));
    expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual(
      Array.from({ length: 10 }, (_, i) => [true, 9 - i]),
    );

    const refusedHere = await first.consume(tenant, policy);
    const refusedThere = await second.consume(tenant, policy);
    for (const refused of [refusedHere, refusedThere]) {
      expect(refused).toMatchObject({ allowed: false, remaining: 0 });
      expect(refused.resetMs).toBeGreaterThan(0);
      expect(refused.resetMs).toBeLessThanOrEqual(30_000);
    }

    expect(await second.consume(other, policy)).toMatchObject({ allowed: true, remaining: 9 });
  });

  it('lets exactly the quota through when both instances are hit at once', async () => {
    const tenant = randomUUID();
    const policy: RateLimitPolicy = { name: 'burst', quota: 10, windowSeconds: 30 };
    const decisions = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? first : second).consume(tenant, policy)),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    expect(
      decisions
        .filter((d) => d.allowed)
        .map((d) => d.remaining)
        .sort((a, b) => a - b),
    ).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('refuses a spent tenant from memory: a flood does not reach PostgreSQL', async () => {
    const tenant = randomUUID();
    const policy: RateLimitPolicy = { name: 'flood', quota: 5, windowSeconds: 30 };
    for (let i = 0; i < 5; i++) expect((await first.consume(tenant, policy)).allowed).toBe(true);
    const flood = await Promise.all(Array.from({ length: 50 }, () => first.consume(tenant, policy)));
    expect(flood.every((d) => !d.allowed && d.resetMs > 0)).toBe(true);
    expect(await storedPoints(tenant)).toBe(5);
  });

  it('serves a spent tenant again once its window has passed', async () => {
    const tenant = randomUUID();
    for (let i = 0; i < 10; i++) await first.consume(tenant, free);
    expect((await second.consume(tenant, free)).allowed).toBe(false);
    const recovered = await eventually(
      async () => {
        const decision = await second.consume(tenant, free);
        expect(decision.allowed).toBe(true);
        return decision;
      },
      { what: 'the budget refilled', timeoutMs: 5_000 },
    );
    // The first request of the new window: the rest of the quota is there.
    expect(recovered.remaining).toBe(9);
  });

  it('applies a new policy to what the tenant already spent (a plan change)', async () => {
    const tenant = randomUUID();
    const small: RateLimitPolicy = { name: 'free', quota: 3, windowSeconds: 30 };
    const large: RateLimitPolicy = { name: 'standard', quota: 10, windowSeconds: 30 };
    for (let i = 0; i < 3; i++) await first.consume(tenant, small);
    expect((await first.consume(tenant, small)).allowed).toBe(false);
    const upgraded = await first.consume(tenant, large);
    expect(upgraded.allowed).toBe(true);
    // Three counted under the old plan (the refusal came from memory), this one the fourth.
    expect(upgraded.remaining).toBe(6);
  });

  it('keeps limiting from memory while PostgreSQL does not answer', async () => {
    const unreachable = await PostgresRateLimiter.create({
      connectionString: 'postgres://nobody:nothing@127.0.0.1:1/none',
      schema,
      timeoutMs: 200,
    });
    try {
      const tenant = randomUUID();
      const policy: RateLimitPolicy = { name: 'free', quota: 3, windowSeconds: 30 };
      const decisions = [];
      for (let i = 0; i < 4; i++) decisions.push(await unreachable.consume(tenant, policy));
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    } finally {
      await unreachable.close();
    }
  });
});
