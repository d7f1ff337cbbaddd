import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { messageDefinition, tenantStreamName, Topics, type TenantSnapshot } from '@platform/contracts';
import { EVENT_STORE, type EventStore } from '@platform/event-store';
import { fromCurrentContext, MESSAGING, type KafkaMessaging } from '@platform/messaging';
import { counter, type Logger } from '@platform/observability';
import { provisionTenantStorage } from '@platform/read-models';
import { SERVICE_CONFIG, SERVICE_LOGGER } from '@platform/service-kit';
import { TenantContextStore, type TenantContext } from '@platform/tenancy';
import type { TenantRegistryConfig } from '../config';
import { snapshotOf, TenantRecords, type Condition, type TenantRecord } from './tenant-records';

const provisioning = counter('tenant_provisioning_attempts_total', 'Provisioning attempts by outcome', [
  'outcome',
]);

type LifecycleEvent = 'TenantCreated' | 'TenantActivated';

/**
 * Creates tenants and drives them from `draft` to `active`: records the change, appends it to the
 * tenant's own stream, and announces it on `tenants.lifecycle` with the tenant's full record.
 * Provisioning (the tenant's read-model schema) retries with backoff, is idempotent, and is
 * resumed at start for tenants a crash left in `draft`.
 */
@Injectable()
export class TenantLifecycle implements OnApplicationBootstrap {
  constructor(
    private readonly records: TenantRecords,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(MESSAGING) private readonly messaging: KafkaMessaging,
    @Inject(SERVICE_CONFIG) private readonly config: TenantRegistryConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.messaging.ensureTopics(
      [{ topic: this.messaging.topic(Topics.tenantsLifecycle), partitions: 3 }],
      true,
    );
    for (const draft of await this.records.inStatus('draft')) {
      const context = systemContext(draft.tenantId);
      void TenantContextStore.run(context, () => this.provision(draft));
    }
  }

  async create(
    request: Pick<TenantSnapshot, 'slug' | 'name' | 'plan' | 'isolation' | 'region'>,
    caller: Omit<TenantContext, 'tenantId'>,
  ): Promise<TenantRecord> {
    const tenantId = randomUUID();
    return TenantContextStore.run({ ...caller, tenantId }, async () => {
      const record = await this.records.insert({ ...request, tenantId, status: 'draft', version: 1 }, [
        condition('Provisioned', 'Unknown', 'Pending', 'provisioning has not started'),
        condition('Ready', 'False', 'Provisioning', 'the tenant becomes active once provisioned'),
      ]);
      await this.announce('TenantCreated', record);
      void this.provision(record);
      return record;
    });
  }

  private async provision(record: TenantRecord): Promise<void> {
    for (let attempt = 1; attempt <= 8; attempt++) {
      try {
        const result = await provisionTenantStorage(
          this.config.DATABASE_URL,
          record.tenantId,
          record.isolation,
        );
        provisioning.inc({ outcome: 'succeeded' });
        const active = await this.records.transition(record.tenantId, record.version, 'active', [
          condition('Provisioned', 'True', 'StorageReady', `${describe(result.storage)} is migrated`),
          condition('Ready', 'True', 'Active', 'the tenant is active'),
        ]);
        if (active) await this.announce('TenantActivated', active);
        return;
      } catch (error) {
        provisioning.inc({ outcome: 'failed' });
        const message = error instanceof Error ? error.message : String(error);
        this.logger.warn(
          { tenantId: record.tenantId, attempt, err: error },
          'tenant provisioning failed; retrying',
        );
        await this.records
          .setConditions(record.tenantId, [
            condition('Provisioned', 'False', 'ProvisioningFailed', `attempt ${attempt}: ${message}`),
            condition('Ready', 'False', 'Provisioning', 'retrying with backoff'),
          ])
          .catch(() => undefined);
        const base = 200 * 2 ** attempt;
        await sleep(base + Math.random() * base);
      }
    }
  }

  /** Appends the change to the tenant's stream, then publishes it on `tenants.lifecycle`. */
  private async announce(name: LifecycleEvent, record: TenantRecord): Promise<void> {
    const snapshot = snapshotOf(record);
    const context = TenantContextStore.require();
    const eventId = randomUUID();
    const schemaVersion = messageDefinition('tenants', name).schemaVersion;
    const result = await this.store.appendToStream(
      record.tenantId,
      tenantStreamName(record.tenantId),
      [
        {
          eventId,
          type: name,
          data: snapshot,
          schemaVersion,
          metadata: {
            tenantId: record.tenantId,
            correlationId: context.correlationId,
            causationId: context.causationId,
            actor: context.actor,
            occurredAt: record.updatedAt,
          },
        },
      ],
      { expectedVersion: record.version === 1 ? 'no-stream' : record.version - 1 },
    );
    await this.messaging.publish([
      fromCurrentContext({
        topic: this.messaging.topic(Topics.tenantsLifecycle),
        id: eventId,
        type: `tenants.${name}`,
        subject: record.tenantId,
        value: snapshot,
        source: this.messaging.source,
        time: record.updatedAt,
        dataSchemaVersion: schemaVersion,
        sequence: record.version,
        position: result.lastPosition,
      }),
    ]);
  }
}

function condition(type: string, status: Condition['status'], reason: string, message: string): Condition {
  return { type, status, reason, message, lastTransitionTime: new Date().toISOString() };
}

function describe(storage: { mode: string; schema: string; database?: string | undefined }): string {
  return storage.database !== undefined ? `database ${storage.database}` : `schema ${storage.schema}`;
}

function systemContext(tenantId: string): TenantContext {
  const id = randomUUID();
  return { tenantId, actor: 'tenant-registry', roles: [], correlationId: id, causationId: id };
}
