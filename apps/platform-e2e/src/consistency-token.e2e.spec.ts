import { randomUUID } from 'node:crypto';
import { eventually, uniqueSuffix, withTestClient } from '@platform/testing';
import { api, expectProblem } from './http-client';
import { startPlatform, stopCleanly, type Platform } from './platform.fixture';
import { createActiveTenant } from './tenants';

/**
 * Contract §5: a read may send `X-Consistency-Token: <position>` (from a command's answer) to wait,
 * up to a bound, until the read model has seen that position; past the bound it answers 504.
 */
describe('X-Consistency-Token: read your own writes', () => {
  let platform: Platform;
  let gw: string;
  let admin: string;
  const suffix = uniqueSuffix();
  const WAIT_MS = 1_500;

  beforeAll(async () => {
    platform = await startPlatform(26_080, {
      extraEnv: { CONSISTENCY_WAIT_MS: String(WAIT_MS), SEEN_POSITIONS_PRUNE_INTERVAL_MS: '1000' },
    });
    gw = platform.gateways[0]?.url ?? '';
    admin = platform.token(['platform-admin'], [], 'e2e-ct-admin');
  }, 180_000);

  afterAll(async () => {
    await stopCleanly(platform);
  }, 60_000);

  /** New tenants are used right away: wait until the gateway serves them. */
  const servedBy = () => ({
    gateways: [gw],
    token: (tenantId: string) => platform.token(['viewer'], [tenantId], 'ct-probe'),
  });

  const read = (path: string, token: string, consistency?: string) =>
    api(gw, 'GET', path, {
      token,
      ...(consistency !== undefined && { headers: { 'x-consistency-token': consistency } }),
    });

  it("answers a read with the command's effect, waits out a position not seen, and never across tenants", async () => {
    const [tenantA, tenantB] = await Promise.all([
      createActiveTenant({ via: gw, admin, slug: `ct-a-${suffix}`, servedBy: servedBy() }),
      createActiveTenant({ via: gw, admin, slug: `ct-b-${suffix}`, servedBy: servedBy() }),
    ]);
    const alice = platform.token(['member'], [tenantA], 'ct-alice');
    const bob = platform.token(['member'], [tenantB], 'ct-bob');
    const created = await api(gw, 'POST', '/v1/orders', { token: alice, body: { customerId: 'c-1' } });
    expect(created.status).toBe(201);
    const orderId = String(created.body.orderId);
    const path = `/v1/orders/${orderId}`;

    // Right after the command, with its position: the order is there (no 404 race).
    const first = await read(path, alice, String(created.body.position));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: orderId, version: 1 });

    const added = await api(gw, 'POST', `${path}/items`, {
      token: alice,
      body: { sku: 'SKU-1', quantity: 2, unitPrice: { amount: '5.00', currency: 'EUR' } },
    });
    expect(added.status).toBe(200);
    const second = await read(path, alice, String(added.body.position));
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ version: 2, itemCount: 1, totalAmount: '10.00' });

    // A position the read model has not seen: 504 once the bound has passed.
    const started = Date.now();
    expectProblem(await read(path, alice, '999999999999'), 504, 'timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(WAIT_MS);

    // Tenant B with A's position: its read models never saw it, whatever A's did.
    expectProblem(
      await read(`/v1/orders/${randomUUID()}`, bob, String(created.body.position)),
      504,
      'timeout',
    );

    // Not a position: 400.
    expectProblem(await read(path, alice, 'latest'), 400, 'validation');
  });
  it('prunes positions past their retention; a token at or below them still answers at once', async () => {
    const tenant = await createActiveTenant({
      via: gw,
      admin,
      slug: `ct-prune-${suffix}`,
      servedBy: servedBy(),
    });
    const carol = platform.token(['member'], [tenant], 'ct-carol');
    const created = await api(gw, 'POST', '/v1/orders', { token: carol, body: { customerId: 'c-9' } });
    expect(created.status).toBe(201);
    const path = `/v1/orders/${String(created.body.orderId)}`;
    const position = Number(created.body.position);
    expect((await read(path, carol, String(position))).status).toBe(200);

    // Its position was seen two days ago, as far as the table knows: the projection service's
    // pruner (every second here, 24 h retention) deletes it.
    const rows = (sql: string) =>
      withTestClient(async (client) => (await client.query(sql, [tenant])).rowCount ?? 0);
    expect(
      await rows(`UPDATE read_model_progress.seen_positions SET seen_at = now() - interval '2 days'
                   WHERE tenant_id = $1`),
    ).toBe(1);
    await eventually(
      async () =>
        expect(await rows('SELECT 1 FROM read_model_progress.seen_positions WHERE tenant_id = $1')).toBe(0),
      { what: 'the aged position pruned' },
    );

    // Still seen (the tenant's floor); above the floor, not.
    expect((await read(path, carol, String(position))).status).toBe(200);
    expectProblem(await read(path, carol, String(position + 1)), 504, 'timeout');
  });
});
