import type { TenantPlan, TenantStatus } from '@platform/contracts';
import { PLANS } from '@platform/tenants-domain';
import type { Refusal } from '@platform/command-handling';

/** A quota refusal is retried at the earliest after this many seconds (once a key is revoked). */
export const QUOTA_RETRY_AFTER_SECONDS = 3600;

/** Keys and webhooks are managed while the tenant lives; an archived or deleted one has none. */
export function credentialsRefusal(status: TenantStatus): Refusal | undefined {
  return status === 'archived' || status === 'deleted'
    ? {
        kind: 'conflict',
        code: 'tenant-closed',
        detail: `the tenant is ${status}: its keys and webhooks are closed`,
      }
    : undefined;
}

/** The plan's `maxApiKeys` (counting keys not revoked): beyond it, 429. */
export function apiKeyQuotaRefusal(plan: TenantPlan, activeKeys: number): Refusal | undefined {
  return quotaRefusal('API keys', PLANS[plan].quotas.maxApiKeys, plan, activeKeys);
}

/** The plan's `maxWebhooks` (counting subscriptions not deleted): beyond it, 429. */
export function webhookQuotaRefusal(plan: TenantPlan, activeWebhooks: number): Refusal | undefined {
  return quotaRefusal('webhooks', PLANS[plan].quotas.maxWebhooks, plan, activeWebhooks);
}

function quotaRefusal(what: string, max: number, plan: TenantPlan, active: number): Refusal | undefined {
  if (active < max) return undefined;
  return {
    kind: 'quotaExceeded',
    code: 'quota-exceeded',
    detail: `the ${plan} plan allows ${max} ${what}; delete one or change the plan`,
    headers: {
      'retry-after': String(QUOTA_RETRY_AFTER_SECONDS),
      'ratelimit-policy': `"${what.replace(/\s/g, '-').toLowerCase()}";q=${max}`,
      ratelimit: `"${what.replace(/\s/g, '-').toLowerCase()}";r=0`,
    },
  };
}
