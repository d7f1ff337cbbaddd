import { randomUUID } from 'node:crypto';
import { Topics } from '@platform/contracts';
import { fromCurrentContext, type KafkaMessaging } from '@platform/messaging';
import { TenantContextStore, type ApiKeyRecord, type TenantContext } from '@platform/tenancy';

/** Tells every service about API keys (issued or revoked), so their guards can check `X-API-Key`. */
export interface ApiKeyAnnouncer {
  announce(records: readonly ApiKeyRecord[]): Promise<void>;
}

/**
 * Publishes key records (hashes, never secrets) on the internal topic `tenants.api-keys`, keyed by
 * key id so a key's issue and revocation stay in order. Every service builds its key view by
 * reading the topic from the beginning; a revocation is final there.
 */
export class KafkaApiKeyAnnouncer implements ApiKeyAnnouncer {
  constructor(private readonly messaging: KafkaMessaging) {}

  async announce(records: readonly ApiKeyRecord[]): Promise<void> {
    const topic = this.messaging.topic(Topics.tenantsApiKeys);
    await this.messaging.publish(
      records.map((record) =>
        fromCurrentContext(
          {
            topic,
            type: record.revokedAt === undefined ? 'tenants.ApiKeyIssued' : 'tenants.ApiKeyRevoked',
            subject: record.keyId,
            value: record,
            source: this.messaging.source,
            time: record.revokedAt ?? record.createdAt,
            dataSchemaVersion: 1,
          },
          contextFor(record.tenantId),
        ),
      ),
    );
  }
}

/** The current request's or message's context, for the key's tenant. */
function contextFor(tenantId: string): TenantContext {
  const current = TenantContextStore.current();
  if (current) return { ...current, tenantId };
  const id = randomUUID();
  return { tenantId, actor: 'service:tenant-registry', roles: [], correlationId: id, causationId: id };
}
