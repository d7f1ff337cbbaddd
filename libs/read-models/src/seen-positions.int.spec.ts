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
});
