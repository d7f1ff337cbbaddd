import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { metricsRegistry } from '@platform/observability';
import { eventually, testInfra, uniqueSuffix } from '@platform/testing';
import { leaseSizing } from '../lease/lease-sizing';
import type { RateLimitPolicy } from '../rate-limit-policy';
import type { RateLimitDecision } from '../rate-limiter';
import { PostgresRateLimiter } from './postgres-rate-limiter';
import { rateLimitSchemaDdl } from './rate-limit-schema.sql';

/**
 * Two limiters on one database stand for two gateway instances (ADR 0014). The tolerance under test:
 * a tenant never gets more than its quota per window; it may be refused early by at most one lease
 * per other instance, budget that instance holds unused.
 */
describe('PostgresRateLimiter on PostgreSQL', () => {
  const schema = `rl_test_${uniqueSuffix()}`;
  /** 100 per window: leases of 5, topped up at 1 left. */
  const standard: RateLimitPolicy = { name: 'standard', quota: 100, windowSeconds: 30 };
  const lease = leaseSizing(standard).size;
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

  const leasedOut = (tenant: string, inSchema = schema): Promise<number | undefined> =>
    withClient(async (client) => {
      const { rows } = await client.query<{ granted: number }>(
        `select granted from "${inSchema}".budget_windows where key = $1`,
        [`tenant:${tenant}`],
      );
      return rows[0]?.granted;
    });

  /** Statements the limiters send to PostgreSQL (their pools' queries) while `work` runs. */
  async function statementsDuring<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }> {
    const spy = jest.spyOn(Pool.prototype, 'query');
    try {
      const result = await work();
      return { result, statements: spy.mock.calls.length };
    } finally {
      spy.mockRestore();
    }
  }

  const allowed = (decisions: RateLimitDecision[]): number => decisions.filter((d) => d.allowed).length;

  const spend = async (limiter: PostgresRateLimiter, tenant: string, policy: RateLimitPolicy) => {
    const decisions: RateLimitDecision[] = [];
    for (;;) {
      const decision = await limiter.consume(tenant, policy);
      if (!decision.allowed) return decisions;
      decisions.push(decision);
    }
  };

  it('shares one budget between instances: of many concurrent requests over both, exactly the quota passes', async () => {
    const tenant = randomUUID();
    const decisions = await Promise.all(
      Array.from({ length: 240 }, (_, i) => (i % 2 === 0 ? first : second).consume(tenant, standard)),
    );
    // Never more than the quota; and no less here, since each instance has more requests than it leases.
    expect(allowed(decisions)).toBe(100);
    expect(await leasedOut(tenant)).toBe(100);
    for (const refused of decisions.filter((d) => !d.allowed)) {
      expect(refused).toMatchObject({ remaining: 0 });
      expect(refused.resetMs).toBeGreaterThan(0);
      expect(refused.resetMs).toBeLessThanOrEqual(30_000);
    }
  });

  it('refuses early by at most the lease an idle instance holds, which that instance still serves', async () => {
    const tenant = randomUUID();
    expect(await first.consume(tenant, standard)).toMatchObject({ allowed: true, remaining: 99 });
    const bySecond = await spend(second, tenant, standard);
    // first holds its lease unused: second gets the rest of the quota, less one lease at most
    expect(bySecond.length).toBeGreaterThanOrEqual(100 - 1 - lease);
    expect(bySecond.length).toBe(100 - 1 - lease);
    const byFirst = await spend(first, tenant, standard);
    expect(byFirst).toHaveLength(lease);
    expect(1 + bySecond.length + byFirst.length).toBe(100);
  });

  it('refuses a spent tenant from memory, without a statement, and keeps another tenant apart', async () => {
    const tenant = randomUUID();
    const other = randomUUID();
    const small: RateLimitPolicy = { name: 'free', quota: 5, windowSeconds: 30 };
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? first : second).consume(tenant, small)));
    await first.consume(tenant, small);
    await second.consume(tenant, small);

    const { result: flood, statements } = await statementsDuring(() =>
      Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? first : second).consume(tenant, small))),
    );
    expect(flood.every((d) => !d.allowed && d.remaining === 0 && d.resetMs > 0)).toBe(true);
    expect(statements).toBe(0);
    expect(await leasedOut(tenant)).toBe(5);

    const others = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? first : second).consume(other, small)),
    );
    expect(allowed(others)).toBe(5);
  });

  it('sends about one statement per lease: between quota / lease and quota / (lease - refill point) + 1', async () => {
    const tenant = randomUUID();
    const enterprise: RateLimitPolicy = { name: 'enterprise', quota: 1_000, windowSeconds: 30 };
    const { size, refillAt } = leaseSizing(enterprise);
    const { result, statements } = await statementsDuring(() => spend(first, tenant, enterprise));
    expect(result).toHaveLength(1_000);
    // the refusal after the quota comes from memory: counted in the statements, it added none
    expect(statements).toBeGreaterThanOrEqual(1_000 / size);
    expect(statements).toBeLessThanOrEqual(Math.ceil(1_000 / (size - refillAt)) + 1);
  });

  it('serves a spent tenant again once its window has passed', async () => {
    const tenant = randomUUID();
    const free: RateLimitPolicy = { name: 'free', quota: 10, windowSeconds: 1 };
    expect(await spend(first, tenant, free)).toHaveLength(10);
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

  it('applies a new policy to what the tenant spent, giving back what was leased under the old one', async () => {
    const tenant = randomUUID();
    const small: RateLimitPolicy = { name: 'free', quota: 3, windowSeconds: 30 };
    const large: RateLimitPolicy = { name: 'standard', quota: 10, windowSeconds: 30 };
    expect(await spend(first, tenant, small)).toHaveLength(3);
    // Three spent under the old plan, this one the fourth.
    expect(await first.consume(tenant, large)).toMatchObject({ allowed: true, remaining: 6 });

    const downgraded = randomUUID();
    expect((await first.consume(downgraded, standard)).allowed).toBe(true);
    expect(await leasedOut(downgraded)).toBe(1 + lease);
    // One spent: the new quota of 3 leaves 2, the unused lease of the old plan is given back.
    expect(await spend(first, downgraded, small)).toHaveLength(2);
    expect(await leasedOut(downgraded)).toBe(3);
  });

  it('gives its unused leases back when it closes', async () => {
    const tenant = randomUUID();
    const third = await PostgresRateLimiter.create({ connectionString: testInfra.databaseUrl, schema });
    expect((await third.consume(tenant, standard)).allowed).toBe(true);
    expect(await leasedOut(tenant)).toBe(1 + lease);
    await third.close();
    expect(await leasedOut(tenant)).toBe(1);
    expect(await spend(second, tenant, standard)).toHaveLength(99);
  });

  const fallbacks = async (): Promise<number> => {
    const metric = await metricsRegistry.getSingleMetric('rate_limit_store_fallbacks_total')?.get();
    return (metric?.values ?? []).reduce((sum, { value }) => sum + value, 0);
  };

  it('keeps limiting from memory while PostgreSQL does not answer', async () => {
    const unreachable = await PostgresRateLimiter.create({
      connectionString: 'postgres://nobody:nothing@127.0.0.1:1/none',
      schema,
      timeoutMs: 200,
    });
    try {
      const before = await fallbacks();
      const tenant = randomUUID();
      const policy: RateLimitPolicy = { name: 'free', quota: 3, windowSeconds: 30 };
      const decisions = [];
      for (let i = 0; i < 4; i++) decisions.push(await unreachable.consume(tenant, policy));
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
      expect((await fallbacks()) - before).toBe(4);
    } finally {
      await unreachable.close();
    }
  });

  it('falls back when its table is gone and leases again by itself once it is back', async () => {
    const own = `${schema}_gone`;
    const limiter = await PostgresRateLimiter.create({
      connectionString: testInfra.databaseUrl,
      schema: own,
      storeRetryMs: 100,
    });
    try {
      expect((await limiter.consume(randomUUID(), standard)).allowed).toBe(true);
      await withClient((client) => client.query(`drop table "${own}".budget_windows`));
      const before = await fallbacks();
      expect((await limiter.consume(randomUUID(), standard)).allowed).toBe(true);
      expect((await fallbacks()) - before).toBe(1);

      await withClient((client) => client.query(rateLimitSchemaDdl(own)));
      const tenant = randomUUID();
      await eventually(
        async () => {
          expect((await limiter.consume(tenant, standard)).allowed).toBe(true);
          expect(await leasedOut(tenant, own)).toBeGreaterThan(0);
        },
        { what: 'leasing from PostgreSQL again', timeoutMs: 5_000 },
      );
    } finally {
      await limiter.close();
      await withClient((client) => client.query(`drop schema if exists "${own}" cascade`));
    }
  });
});
