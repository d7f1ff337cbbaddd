import pino from 'pino';
import { Topics } from '@platform/contracts';
import { KafkaMessaging } from '@platform/messaging';
import { metricsRegistry, tenantLabels } from '@platform/observability';
import { PLANS } from '@platform/tenants-domain';
import { deleteTopicsWithPrefix, testInfra, uniqueSuffix } from '@platform/testing';
import type { TenantRecord } from '../registry/tenant-record';
import { createTenant, registryFixture, testCaller, type RegistryFixture } from '../testing/registry-fixture';
import { KafkaApiKeyAnnouncer } from './api-key-announcer';
import { ApiKeys } from './api-keys';

describe('API keys on PostgreSQL and Kafka', () => {
  let fixture: RegistryFixture;
  let messaging: KafkaMessaging;
  let keys: ApiKeys;
  const prefix = `it-keys-${uniqueSuffix()}.`;

  beforeAll(async () => {
    fixture = await registryFixture();
    messaging = await KafkaMessaging.connect(
      {
        brokers: testInfra.kafkaBrokers,
        clientId: 'it-keys',
        topicPrefix: prefix,
        service: 'tenant-registry',
      },
      pino({ level: 'silent' }),
    );
    await messaging.ensureTopics([{ topic: messaging.topic(Topics.tenantsApiKeys), partitions: 3 }]);
    keys = new ApiKeys(fixture.db, new KafkaApiKeyAnnouncer(messaging));
  });
  afterAll(async () => {
    await messaging.close();
    await deleteTopicsWithPrefix(prefix);
    await fixture.close();
  });

  async function tenant(): Promise<TenantRecord> {
    const created = await createTenant(fixture.commands, { plan: 'free' });
    if (!created.ok) throw new Error('not created');
    return created.tenant;
  }

  it('shows the key once, stores its hash only, and holds the quota (revoked keys do not count)', async () => {
    const owner = await tenant();
    const max = PLANS.free.quotas.maxApiKeys;
    const issued = [];
    for (let i = 0; i < max; i++) {
      const key = await keys.issue(owner, { name: `k${i}`, roles: ['member'] }, testCaller());
      if (!key.ok) throw new Error('refused');
      issued.push(key.value);
    }
    expect(issued[0]?.key).toMatch(/^tfk_[0-9a-f]{16}_/);
    const stored = JSON.stringify(await fixture.db.apiKeys.list(owner.id));
    // The secret is base64url, so it may itself contain '_': everything after the key id is secret.
    const secrets = issued.map((key) => key.key.replace(/^tfk_[0-9a-f]{16}_/, ''));
    for (const secret of secrets) expect(secret).toHaveLength(43);
    for (const secret of secrets) expect(stored).not.toContain(secret);

    const refusals = async (): Promise<number> =>
      ((await metricsRegistry.getSingleMetric('quota_refusals_total')?.get())?.values ?? [])
        .filter((v) => v.labels.quota === 'api-keys' && v.labels.tenant === tenantLabels().peek(owner.id))
        .reduce((sum, v) => sum + v.value, 0);
    const refusedBefore = await refusals();
    const over = await keys.issue(owner, { name: 'one too many', roles: ['member'] }, testCaller());
    expect(over).toMatchObject({
      ok: false,
      refusal: { kind: 'quotaExceeded', headers: { 'retry-after': expect.any(String) } },
    });
    expect((await refusals()) - refusedBefore).toBe(1);

    expect((await keys.revoke(owner.id, issued[0]?.id ?? '', testCaller())).ok).toBe(true);
    expect((await keys.revoke(owner.id, issued[0]?.id ?? '', testCaller())).ok).toBe(true);
    expect((await keys.issue(owner, { name: 'replacement', roles: ['viewer'] }, testCaller())).ok).toBe(true);
    expect(await keys.revoke(owner.id, 'ffffffffffffffff', testCaller())).toMatchObject({
      ok: false,
      refusal: { kind: 'notFound' },
    });

    const actions = (await fixture.db.audit.list(owner.id, { limit: 20 })).map((r) => r.action);
    expect(actions).toEqual([
      'tenant.create',
      ...Array(max).fill('api-key.create'),
      'api-key.revoke',
      'api-key.create',
    ]);
  });

  it('refuses concurrent issues beyond the quota', async () => {
    const owner = await tenant();
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        keys.issue(owner, { name: `c${i}`, roles: ['member'] }, testCaller()),
      ),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(PLANS.free.quotas.maxApiKeys);
    expect(await fixture.db.apiKeys.countActive(fixture.db.pool, owner.id)).toBe(
      PLANS.free.quotas.maxApiKeys,
    );
  });
});
