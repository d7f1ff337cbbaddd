import { eventually, uniqueSuffix } from '@platform/testing';
import { api, expectProblem } from './http-client';
import { createActiveTenant as createTenantActive } from './tenants';
import { startPlatform, stopCleanly, type Platform } from './platform.fixture';

interface AuditRecordBody {
  readonly tenantId: string;
  readonly sequence: number;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly previousState: unknown;
  readonly newState: unknown;
  readonly requestId: string;
  readonly correlationId: string;
  readonly occurredAt: string;
  readonly verified: boolean;
}

interface AuditBody {
  readonly records: readonly AuditRecordBody[];
  readonly verification: { readonly valid: boolean; readonly checked: number };
}

/**
 * Contract §8 on the data plane: every order command, accepted or refused, leaves a record on its
 * tenant's audit chain, the same chain as the control plane's, served by the registry at
 * `GET /v1/tenants/{id}/audit`; another tenant's chain holds none of it.
 */
describe('data-plane audit: order commands on the tenant audit chain', () => {
  let platform: Platform;
  let gw: string;
  let admin: string;
  const suffix = uniqueSuffix();

  beforeAll(async () => {
    platform = await startPlatform(21_080);
    gw = platform.gateways[0]?.url ?? '';
    admin = platform.token(['platform-admin'], [], 'e2e-audit-admin');
  }, 180_000);

  afterAll(async () => {
    await stopCleanly(platform);
  }, 60_000);

  const createActiveTenant = (name: string): Promise<string> =>
    createTenantActive({ via: gw, admin, slug: `${name}-${suffix}` });

  const auditOf = async (tenantId: string): Promise<AuditBody> => {
    const response = await api(gw, 'GET', `/v1/tenants/${tenantId}/audit`, { token: admin });
    expect(response.status).toBe(200);
    return response.body as unknown as AuditBody;
  };

  it("records tenant A's order commands on A's chain, which verifies, and none on B's", async () => {
    const [tenantA, tenantB] = await Promise.all([
      createActiveTenant('audit-a'),
      createActiveTenant('audit-b'),
    ]);
    const alice = platform.token(['member'], [tenantA], 'alice');

    // The gateway learns of the activation from tenants.lifecycle a moment after the registry.
    const created = await eventually(async () => {
      const response = await api(gw, 'POST', '/v1/orders', { token: alice, body: { customerId: 'cust-1' } });
      expect(response.status).toBe(201);
      return response;
    });
    const orderId = String(created.body.orderId);
    const item = { sku: 'SKU-1', quantity: 2, unitPrice: { amount: '5.00', currency: 'EUR' } };
    const added = await api(gw, 'POST', `/v1/orders/${orderId}/items`, { token: alice, body: item });
    expect(added.status).toBe(200);
    const refused = await api(gw, 'POST', `/v1/orders/${orderId}/items`, {
      token: alice,
      body: { ...item, unitPrice: { amount: '5.00', currency: 'USD' } },
    });
    expectProblem(refused, 409, 'conflict');

    const auditA = await auditOf(tenantA);
    expect(auditA.verification).toEqual({ valid: true, checked: auditA.records.length });
    expect(auditA.records.every((r) => r.verified && r.tenantId === tenantA)).toBe(true);
    // One chain: the control plane's records first, then the data plane's.
    const actions = auditA.records.map((r) => r.action);
    expect(actions.slice(0, 2)).toEqual(['tenant.create', 'tenant.activate']);
    const orderRecords = auditA.records.filter((r) => r.target === `order/${orderId}`);
    expect(orderRecords.map((r) => r.action)).toEqual([
      'order.create',
      'order.add-item',
      'order.add-item.refused',
    ]);
    const [create, add, refusal] = orderRecords;
    expect(create).toMatchObject({
      actor: expect.stringContaining('alice'),
      previousState: null,
      newState: { status: 'draft', orderId, customerId: 'cust-1', lines: [] },
      requestId: expect.any(String),
      correlationId: expect.any(String),
    });
    expect(add).toMatchObject({
      previousState: create?.newState,
      newState: { currency: 'EUR', lines: [item] },
    });
    expect(refusal).toMatchObject({
      previousState: { order: add?.newState, refusal: { kind: 'conflict', code: 'currency-mismatch' } },
    });
    expect(refusal?.newState).toEqual(refusal?.previousState);
    expect(new Set(orderRecords.map((r) => r.requestId)).size).toBe(3);

    const auditB = await auditOf(tenantB);
    expect(auditB.verification.valid).toBe(true);
    expect(auditB.records.map((r) => r.action)).toEqual(['tenant.create', 'tenant.activate']);
    expect(auditB.records.filter((r) => r.target === `order/${orderId}` || r.tenantId !== tenantB)).toEqual(
      [],
    );
  });
});
