import type { ApiCall } from './api-client';

const seg = encodeURIComponent;

/**
 * Every operator action as the HTTP call it makes (contract section 4). Pure: the CLI parses its
 * arguments into one of these and sends it.
 */
export const calls = {
  listTenants: (options: { status?: string; limit?: string; cursor?: string }): ApiCall => {
    const query = new URLSearchParams(
      Object.entries(options).filter((entry): entry is [string, string] => entry[1] !== undefined),
    ).toString();
    return { method: 'GET', path: `/v1/tenants${query ? `?${query}` : ''}` };
  },
  getTenant: (id: string): ApiCall => ({ method: 'GET', path: `/v1/tenants/${seg(id)}` }),
  createTenant: (body: {
    slug: string;
    name: string;
    plan?: string;
    isolation?: string;
    region?: string;
  }): ApiCall => ({
    method: 'POST',
    path: '/v1/tenants',
    body: Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)),
  }),
  applyManifest: (slug: string, text: string, fileName: string): ApiCall => ({
    method: 'PUT',
    path: `/v1/tenants/${seg(slug)}/manifest`,
    raw: { text, contentType: /\.json$/i.test(fileName) ? 'application/json' : 'application/yaml' },
  }),
  lifecycle: (id: string, action: 'suspend' | 'resume' | 'archive'): ApiCall => ({
    method: 'POST',
    path: `/v1/tenants/${seg(id)}/${action}`,
  }),
  deleteTenant: (id: string): ApiCall => ({ method: 'DELETE', path: `/v1/tenants/${seg(id)}` }),
  changePlan: (id: string, plan: string): ApiCall => ({
    method: 'PATCH',
    path: `/v1/tenants/${seg(id)}`,
    body: { plan },
  }),
  listApiKeys: (id: string): ApiCall => ({ method: 'GET', path: `/v1/tenants/${seg(id)}/api-keys` }),
  createApiKey: (id: string, name: string, roles: string[]): ApiCall => ({
    method: 'POST',
    path: `/v1/tenants/${seg(id)}/api-keys`,
    body: { name, roles },
  }),
  revokeApiKey: (id: string, keyId: string): ApiCall => ({
    method: 'DELETE',
    path: `/v1/tenants/${seg(id)}/api-keys/${seg(keyId)}`,
  }),
  listWebhooks: (id: string): ApiCall => ({ method: 'GET', path: `/v1/tenants/${seg(id)}/webhooks` }),
  createWebhook: (id: string, url: string, events: string[], secret?: string): ApiCall => ({
    method: 'POST',
    path: `/v1/tenants/${seg(id)}/webhooks`,
    body: { url, events, ...(secret !== undefined && { secret }) },
  }),
  deleteWebhook: (id: string, webhookId: string): ApiCall => ({
    method: 'DELETE',
    path: `/v1/tenants/${seg(id)}/webhooks/${seg(webhookId)}`,
  }),
  listDeadLetters: (id: string): ApiCall => ({
    method: 'GET',
    path: `/v1/tenants/${seg(id)}/webhooks/dead-letters`,
  }),
  requeueDeadLetter: (id: string, deliveryId: string): ApiCall => ({
    method: 'POST',
    path: `/v1/tenants/${seg(id)}/webhooks/dead-letters/${seg(deliveryId)}/requeue`,
  }),
  audit: (id: string): ApiCall => ({ method: 'GET', path: `/v1/tenants/${seg(id)}/audit` }),
  listParked: (tenant?: string, limit?: string): ApiCall => {
    const query = new URLSearchParams({
      ...(tenant !== undefined && { tenant }),
      ...(limit !== undefined && { limit }),
    }).toString();
    return { method: 'GET', path: `/v1/admin/parked${query ? `?${query}` : ''}`, service: 'projection' };
  },
  showParked: (tenant: string, aggregateId: string): ApiCall => ({
    method: 'GET',
    path: `/v1/admin/parked/${seg(tenant)}/${seg(aggregateId)}`,
    service: 'projection',
  }),
  handleParked: (tenant: string, aggregateId: string, action: 'replay' | 'skip'): ApiCall => ({
    method: 'POST',
    path: `/v1/admin/parked/${seg(tenant)}/${seg(aggregateId)}/${action}`,
    service: 'projection',
  }),
  startRebuild: (projection: string, tenant?: string): ApiCall => ({
    method: 'POST',
    path: `/v1/admin/projections/${seg(projection)}/rebuilds`,
    body: tenant === undefined ? {} : { tenant },
    service: 'projection',
  }),
  getRebuild: (id: string): ApiCall => ({
    method: 'GET',
    path: `/v1/admin/rebuilds/${seg(id)}`,
    service: 'projection',
  }),
  listRebuilds: (): ApiCall => ({ method: 'GET', path: '/v1/admin/rebuilds', service: 'projection' }),
  listDlq: (topic: string, options: { limit?: string; from?: string }): ApiCall => {
    const query = new URLSearchParams(
      Object.entries(options).filter((entry): entry is [string, string] => entry[1] !== undefined),
    ).toString();
    return {
      method: 'GET',
      path: `/v1/admin/dlq/${seg(topic)}${query ? `?${query}` : ''}`,
      service: 'projection',
    };
  },
  showDlq: (topic: string, partition: string, offset: string): ApiCall => ({
    method: 'GET',
    path: `/v1/admin/dlq/${seg(topic)}/${seg(partition)}/${seg(offset)}`,
    service: 'projection',
  }),
  replayDlq: (topic: string, partition: string, offset: string): ApiCall => ({
    method: 'POST',
    path: `/v1/admin/dlq/${seg(topic)}/${seg(partition)}/${seg(offset)}/replay`,
    service: 'projection',
  }),
};
