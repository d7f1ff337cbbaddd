import { randomUUID } from 'node:crypto';
import { testInfra } from '@platform/testing';
import { createReadModelDataSource } from './data-source';
import { deprovisionTenantStorage } from './provisioning';
import { SeenPositions } from './seen-positions';

// The positions X-Consistency-Token waits for, on a real PostgreSQL.

describe('seen positions on PostgreSQL', () => {
  const main = createReadModelDataSource(testInfra.databaseUrl, 2);
  const positions = new SeenPositions(main);

  beforeAll(async () => {
    await main.initialize();
    await Promise.all([positions.migrate(), positions.migrate()]);
  });
  afterAll(() => main.destroy());

  it("records a tenant's positions idempotently and shows them to that tenant only", async () => {
    const [tenant, other] = [randomUUID(), randomUUID()];
    await positions.record(tenant, 41);
    await positions.record(tenant, 41);

    expect(await positions.seen(tenant, 41)).toBe(true);
    expect(await positions.seen(tenant, 42)).toBe(false);
    expect(await positions.seen(other, 41)).toBe(false);
  });

  it('waits for a position recorded meanwhile, and gives up after the bound', async () => {
    const tenant = randomUUID();
    const waiting = positions.waitUntilSeen(tenant, 7, 5_000, 10);
    setTimeout(() => void positions.record(tenant, 7), 50);

    await expect(waiting).resolves.toBe(true);
    await expect(positions.waitUntilSeen(tenant, 8, 100, 10)).resolves.toBe(false);
  });

  it("is purged with the tenant's read models, and only the tenant's", async () => {
    const [tenant, other] = [randomUUID(), randomUUID()];
    await positions.record(tenant, 1);
    await positions.record(other, 1);

    await deprovisionTenantStorage(testInfra.databaseUrl, tenant, 'shared');

    expect(await positions.seen(tenant, 1)).toBe(false);
    expect(await positions.seen(other, 1)).toBe(true);
  });
  it('records positions sent at once in a few multi-row inserts, each caller resolved after its commit', async () => {
    const tenants = [randomUUID(), randomUUID()];
    const query = jest.spyOn(main, 'query');
    try {
      await Promise.all(
        Array.from({ length: 50 }, (_, i) => positions.record(tenants[i % 2] as string, 1_000 + i)),
      );
      const inserts = query.mock.calls.filter(([sql]) => /INSERT INTO/.test(sql));
      expect(inserts.length).toBeGreaterThanOrEqual(1);
      expect(inserts.length).toBeLessThanOrEqual(2);
    } finally {
      query.mockRestore();
    }
    for (let i = 0; i < 50; i++) expect(await positions.seen(tenants[i % 2] as string, 1_000 + i)).toBe(true);
    expect(await positions.seen(tenants[1] as string, 1_000)).toBe(false);
  });

  it('rejects every caller of an insert that fails, and goes on with the next ones', async () => {
    const tenant = randomUUID();
    const failing = Promise.allSettled([positions.record('not-a-uuid', 1), positions.record(tenant, 2)]);
    expect((await failing).map((r) => r.status)).toEqual(['rejected', 'rejected']);

    await positions.record(tenant, 3);
    expect(await positions.seen(tenant, 3)).toBe(true);
  });

  describe('retention', () => {
    const DAY = 24 * 60 * 60 * 1_000;
    /** Makes positions look recorded two days ago. */
    const age = (tenantId: string, list: number[]) =>
      main.query(
        `UPDATE read_model_progress.seen_positions SET seen_at = now() - interval '2 days'
          WHERE tenant_id = $1 AND position = ANY($2::bigint[])`,
        [tenantId, list],
      );
    const rowsOf = async (tenantId: string): Promise<number[]> => {
      const rows: { position: string }[] = await main.query(
        'SELECT position FROM read_model_progress.seen_positions WHERE tenant_id = $1 ORDER BY position',
        [tenantId],
      );
      return rows.map((r) => Number(r.position));
    };

    it('deletes positions past the retention, and answers them as seen through a floor per tenant', async () => {
      const [tenant, other, third] = [randomUUID(), randomUUID(), randomUUID()];
      for (const position of [10, 20, 30]) await positions.record(tenant, position);
      await positions.record(other, 25);
      await age(tenant, [10, 20]);
      await age(other, [25]);

      expect(await positions.prune(DAY)).toBeGreaterThanOrEqual(3);

      expect(await rowsOf(tenant)).toEqual([30]);
      expect(await rowsOf(other)).toEqual([]);
      // the tenant's floor is 20: at or below it, seen; the kept row 30 too; above, not yet
      for (const position of [10, 15, 20, 30]) expect(await positions.seen(tenant, position)).toBe(true);
      expect(await positions.seen(tenant, 21)).toBe(false);
      expect(await positions.seen(tenant, 31)).toBe(false);
      // floors are per tenant: the other's is 25, the third tenant has none
      expect(await positions.seen(other, 25)).toBe(true);
      expect(await positions.seen(other, 26)).toBe(false);
      expect(await positions.seen(third, 1)).toBe(false);
    });

    it('only raises a floor, also when instances prune at once', async () => {
      const tenant = randomUUID();
      await positions.record(tenant, 50);
      await age(tenant, [50]);
      await Promise.all([positions.prune(DAY), positions.prune(DAY)]);
      await positions.record(tenant, 40); // an older position, seen late
      await age(tenant, [40]);
      await positions.prune(DAY);

      expect(await positions.seen(tenant, 50)).toBe(true);
      expect(await positions.seen(tenant, 51)).toBe(false);
    });

    it('keeps what is younger than the retention', async () => {
      const tenant = randomUUID();
      await positions.record(tenant, 5);

      await positions.prune(DAY);

      expect(await rowsOf(tenant)).toEqual([5]);
    });

    it("purges the tenant's floor with its read models, and only the tenant's", async () => {
      const [tenant, other] = [randomUUID(), randomUUID()];
      await positions.record(tenant, 3);
      await positions.record(other, 3);
      await age(tenant, [3]);
      await age(other, [3]);
      await positions.prune(DAY);

      await deprovisionTenantStorage(testInfra.databaseUrl, tenant, 'shared');

      expect(await positions.seen(tenant, 3)).toBe(false);
      expect(await positions.seen(other, 3)).toBe(true);
    });
  });
});
