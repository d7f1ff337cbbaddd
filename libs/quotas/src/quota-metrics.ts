import { counter } from '@platform/observability';

/**
 * Requests refused `429 quota-exceeded`, by tenant (bounded: `tenantLabel`) and quota: `orders`
 * and `storage` (command service), `api-keys` and `webhooks` (tenant registry).
 */
export const quotaRefusalsTotal = counter(
  'quota_refusals_total',
  "Requests refused because the tenant's plan quota is used up, by tenant and quota",
  ['tenant', 'quota'],
);
