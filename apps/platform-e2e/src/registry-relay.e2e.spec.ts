import { randomUUID } from 'node:crypto';
import { eventually, uniqueSuffix } from '@platform/testing';
import { api, expectProblem } from './http-client';
import { startPlatform, stopCleanly, type Platform } from './platform.fixture';

/**
 * The tenant registry hosts an instance of the event relay: with no command service running, its
 * lifecycle events still reach `tenants.lifecycle`, and the gateway (which learns tenant status
 * only from that topic) follows every transition.
 */
describe('tenant lifecycle reaches Kafka without a command service', () => {
  let platform: Platform;
  let gw: string;

  beforeAll(async () => {
    platform = await startPlatform(23_080, { commandServices: 0 });
    gw = platform.gateways[0]?.url ?? '';
  }, 180_000);

  afterAll(async () => {
    await stopCleanly(platform);
  }, 60_000);

  it('the gateway sees a tenant become active, then suspended, from the registry relay alone', async () => {
    expect(platform.commandServices).toEqual([]);
    const admin = platform.token(['platform-admin'], [], 'e2e-admin');
    const slug = `relayed-${uniqueSuffix()}`;
    const created = await api(gw, 'POST', '/v1/tenants', {
      token: admin,
      body: { slug, name: slug, plan: 'enterprise', isolation: 'shared' },
    });
    expect(created.status).toBe(202);
    const tenantId = String(created.body.id);
    const member = platform.token(['member'], [tenantId], 'relay-e2e');
    const unknownOrder = `/v1/orders/${randomUUID()}`;

    // Before the activation reaches the gateway the tenant is not active there (403); after it, the
    // read goes through to the query service, which knows no such order (404).
    await eventually(
      async () => {
        const read = await api(gw, 'GET', unknownOrder, { token: member });
        expectProblem(read, 404);
      },
      { timeoutMs: 30_000, what: 'the gateway learned the activation from tenants.lifecycle' },
    );

    const suspended = await api(gw, 'POST', `/v1/tenants/${tenantId}/suspend`, {
      token: admin,
      body: { reason: 'relay e2e' },
    });
    expect(suspended.status).toBe(200);
    await eventually(
      async () => {
        const write = await api(gw, 'POST', '/v1/orders', { token: member, body: { customerId: 'c-1' } });
        expectProblem(write, 403, 'tenant-suspended');
      },
      { timeoutMs: 30_000, what: 'the gateway learned the suspension from tenants.lifecycle' },
    );
  });
});
