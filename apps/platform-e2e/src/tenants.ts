import { randomUUID } from 'node:crypto';
import type { TenantPlan } from '@platform/contracts';
import { eventually } from '@platform/testing';
import { api } from './http-client';

export interface ActiveTenantRequest {
  /** The gateway that creates the tenant. */
  readonly via: string;
  /** The gateway asked until the tenant is active; default `via`. */
  readonly readVia?: string;
  /** A platform-admin token. */
  readonly admin: string;
  readonly slug: string;
  /** Default `enterprise`: its rate limit leaves room for the bursts tests send. */
  readonly plan?: TenantPlan;
  readonly isolation?: 'shared' | 'schema' | 'dedicated';
  /**
   * Also wait until these gateways serve the tenant: each learns of the activation from
   * `tenants.lifecycle`, a moment after the registry, and answers `403 tenant-not-active` until
   * then. `token` signs a token of the tenant (any role that may read).
   */
  readonly servedBy?: { readonly gateways: readonly string[]; readonly token: (tenantId: string) => string };
}

/**
 * Creates a tenant over the public API (202, draft), waits until the registry says it is active
 * (and, with `servedBy`, until those gateways serve it); its id.
 */
export async function createActiveTenant(request: ActiveTenantRequest): Promise<string> {
  const { via, readVia = via, admin, slug, plan = 'enterprise', isolation } = request;
  const created = await api(via, 'POST', '/v1/tenants', {
    token: admin,
    body: { slug, name: slug, plan, ...(isolation !== undefined && { isolation }) },
  });
  expect(created.status).toBe(202);
  expect(created.body).toMatchObject({
    slug,
    status: 'draft',
    plan,
    ...(isolation !== undefined && { isolation }),
  });
  const id = String(created.body.id);
  await eventually(
    async () =>
      expect((await api(readVia, 'GET', `/v1/tenants/${id}`, { token: admin })).body.status).toBe('active'),
    { what: `tenant ${slug} active` },
  );
  if (request.servedBy) {
    const { gateways, token } = request.servedBy;
    // an order that does not exist: 404 once the tenant is served, 403 before
    const probe = `/v1/orders/${randomUUID()}`;
    for (const gateway of gateways) {
      await eventually(
        async () => expect((await api(gateway, 'GET', probe, { token: token(id) })).status).toBe(404),
        { what: `tenant ${slug} served by ${gateway}` },
      );
    }
  }
  return id;
}
