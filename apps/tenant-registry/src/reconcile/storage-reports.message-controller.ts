import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Topics, tenantStorageProvisionedSchema, tenantStoragePurgedSchema } from '@platform/contracts';
import { MESSAGING, NonRetriableError, type ConsumedMessage, type KafkaMessaging } from '@platform/messaging';
import type { Logger } from '@platform/observability';
import { SERVICE_CONFIG, SERVICE_LOGGER } from '@platform/service-kit';
import type { TenantRegistryConfig } from '../config';
import { RegistryDatabase } from '../registry/registry-database';
import { TenantController } from './tenant-controller';

/** Partitions of `tenants.storage`, wherever it is created (as `tenants.lifecycle`). */
export const TENANTS_STORAGE_PARTITIONS = 3;

/** How often, and how far apart, a report tries to get the tenant's lock from an attempt in progress. */
const BUSY_ATTEMPTS = 10;
const BUSY_RETRY_MS = 200;

/**
 * Kafka adapter of the storage owners' reports (ADR 0031): each `TenantStorageProvisioned` /
 * `TenantStoragePurged` on `tenants.storage` is recorded (idempotent: a redelivery changes
 * nothing), then the controller looks at the tenant at once instead of at its next check. The
 * report's tenant must be its `ce_tenantid`; the registry's own purge requests are skipped.
 */
@Injectable()
export class StorageReportsMessageController implements OnModuleInit {
  constructor(
    @Inject(MESSAGING) private readonly messaging: KafkaMessaging,
    @Inject(SERVICE_CONFIG) private readonly config: TenantRegistryConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    private readonly db: RegistryDatabase,
    private readonly controller: TenantController,
  ) {}

  async onModuleInit(): Promise<void> {
    const topic = this.messaging.topic(Topics.tenantsStorage);
    await this.messaging.ensureTopics([{ topic, partitions: TENANTS_STORAGE_PARTITIONS }], true);
    await this.messaging.subscribe(
      {
        groupId: `${this.config.KAFKA_TOPIC_PREFIX}tenant-registry.storage`,
        topics: [topic],
        handler: (message) => this.handle(message),
      },
      TENANTS_STORAGE_PARTITIONS,
    );
  }

  async handle(message: ConsumedMessage): Promise<void> {
    const { type, tenantId, time } = message.attributes;
    if (type === 'tenants.TenantStorageProvisioned') {
      const report = parse(tenantStorageProvisionedSchema, message.value, tenantId);
      await this.db.storageOwners.recordProvisioned(tenantId, report.owner, report.description, time);
      this.logger.info({ tenantId, owner: report.owner }, 'tenant storage provisioned by its owner');
    } else if (type === 'tenants.TenantStoragePurged') {
      const report = parse(tenantStoragePurgedSchema, message.value, tenantId);
      await this.db.storageOwners.recordPurged(tenantId, report.owner, report, time);
      this.logger.info({ tenantId, owner: report.owner }, 'tenant storage purged by its owner');
    } else {
      return;
    }
    // Another attempt on the tenant may have read the reports before this one was recorded: try
    // again once it is done, rather than wait for its next scheduled check.
    for (let attempt = 1; attempt <= BUSY_ATTEMPTS; attempt += 1) {
      if ((await this.controller.reconcileTenant(tenantId)) !== 'busy') return;
      await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
    }
    this.controller.kick();
  }
}

function parse<T extends { tenantId: string }>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: Error } },
  value: unknown,
  tenantId: string,
): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new NonRetriableError(`not a storage report: ${parsed.error.message}`);
  if (parsed.data.tenantId !== tenantId) {
    throw new NonRetriableError(
      `a storage report about ${parsed.data.tenantId} under ce_tenantid ${tenantId}`,
    );
  }
  return parsed.data;
}
