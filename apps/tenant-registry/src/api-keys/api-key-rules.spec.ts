import { PLANS } from '@platform/tenants-domain';
import { apiKeyQuotaRefusal, credentialsRefusal, webhookQuotaRefusal } from './api-key-rules';

describe('API key and webhook rules', () => {
  it('allows keys up to the plan quota, then answers 429 with Retry-After', () => {
    const max = PLANS.free.quotas.maxApiKeys;
    expect(apiKeyQuotaRefusal('free', max - 1)).toBeUndefined();
    const refusal = apiKeyQuotaRefusal('free', max);
    expect(refusal).toMatchObject({ kind: 'quotaExceeded', code: 'quota-exceeded' });
    expect(refusal?.headers?.['retry-after']).toMatch(/^\d+$/);
    expect(refusal?.headers?.['ratelimit-policy']).toBe(`"api-keys";q=${max}`);
  });

  it('reads the webhook quota from the plan', () => {
    expect(webhookQuotaRefusal('standard', PLANS.standard.quotas.maxWebhooks - 1)).toBeUndefined();
    expect(webhookQuotaRefusal('standard', PLANS.standard.quotas.maxWebhooks)?.kind).toBe('quotaExceeded');
  });

  it.each(['draft', 'active', 'suspended'] as const)('manages the credentials of a %s tenant', (status) => {
    expect(credentialsRefusal(status)).toBeUndefined();
  });

  it.each(['archived', 'deleted'] as const)('refuses them for an %s tenant (409)', (status) => {
    expect(credentialsRefusal(status)?.kind).toBe('conflict');
  });
});
