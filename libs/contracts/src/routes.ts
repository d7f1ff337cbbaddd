/**
 * The public HTTP surface (contract sections 4 and 5) as data: every route the gateway serves, and
 * who may call it. `tools/architecture` checks the controllers against this table (a route in code
 * but not here fails), and the end-to-end tenancy matrix is generated from it, so a new route
 * cannot be left out of either.
 */
export type RouteAccess =
  /** The caller's tenant (token and `X-Tenant-ID`); reads still answer for a suspended tenant. */
  | 'tenant-read'
  | 'tenant-write'
  /** `platform-admin` only. */
  | 'platform'
  /** `platform-admin`, or `tenant-admin` of the tenant in the path. */
  | 'tenant-admin';

export interface PublicRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** With `{param}` placeholders. */
  readonly path: string;
  readonly access: RouteAccess;
}

export const PUBLIC_ROUTES: readonly PublicRoute[] = [
  { method: 'POST', path: '/v1/orders', access: 'tenant-write' },
  { method: 'POST', path: '/v1/orders/{id}/items', access: 'tenant-write' },
  { method: 'POST', path: '/v1/orders/{id}/confirm', access: 'tenant-write' },
  { method: 'POST', path: '/v1/orders/{id}/cancel', access: 'tenant-write' },
  { method: 'GET', path: '/v1/orders', access: 'tenant-read' },
  { method: 'GET', path: '/v1/orders/summary', access: 'tenant-read' },
  { method: 'GET', path: '/v1/orders/{id}', access: 'tenant-read' },
  { method: 'GET', path: '/v1/orders/{id}/history', access: 'tenant-read' },
  { method: 'POST', path: '/v1/products', access: 'tenant-write' },
  { method: 'POST', path: '/v1/products/{sku}/restock', access: 'tenant-write' },
  { method: 'GET', path: '/v1/products/{sku}', access: 'tenant-read' },
  { method: 'POST', path: '/v1/tenants', access: 'platform' },
  { method: 'GET', path: '/v1/tenants', access: 'platform' },
  { method: 'GET', path: '/v1/tenants/{id}', access: 'platform' },
  { method: 'PATCH', path: '/v1/tenants/{id}', access: 'platform' },
  { method: 'DELETE', path: '/v1/tenants/{id}', access: 'platform' },
  { method: 'PUT', path: '/v1/tenants/{slug}/manifest', access: 'platform' },
  { method: 'POST', path: '/v1/tenants/{id}/suspend', access: 'platform' },
  { method: 'POST', path: '/v1/tenants/{id}/resume', access: 'platform' },
  { method: 'POST', path: '/v1/tenants/{id}/archive', access: 'platform' },
  { method: 'GET', path: '/v1/tenants/{id}/audit', access: 'platform' },
  { method: 'GET', path: '/v1/tenants/{id}/export', access: 'platform' },
  { method: 'POST', path: '/v1/tenants/import', access: 'platform' },
  { method: 'POST', path: '/v1/tenants/{id}/api-keys', access: 'tenant-admin' },
  { method: 'GET', path: '/v1/tenants/{id}/api-keys', access: 'tenant-admin' },
  { method: 'DELETE', path: '/v1/tenants/{id}/api-keys/{keyId}', access: 'tenant-admin' },
  { method: 'POST', path: '/v1/tenants/{id}/webhooks', access: 'tenant-admin' },
  { method: 'GET', path: '/v1/tenants/{id}/webhooks', access: 'tenant-admin' },
  { method: 'DELETE', path: '/v1/tenants/{id}/webhooks/{webhookId}', access: 'tenant-admin' },
  { method: 'GET', path: '/v1/tenants/{id}/webhooks/dead-letters', access: 'tenant-admin' },
  {
    method: 'POST',
    path: '/v1/tenants/{id}/webhooks/dead-letters/{deliveryId}/requeue',
    access: 'tenant-admin',
  },
];
