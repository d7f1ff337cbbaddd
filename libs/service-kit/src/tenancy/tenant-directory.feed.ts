import { followFromStart } from './follow-from-start';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Topics, tenantSnapshotOfEventSchema } from '@platform/contracts';
import { MESSAGING, NonRetriableError, type KafkaMessaging } from '@platform/messaging';
import type { Logger } from '@platform/observability';
import { ApiKeyDirectory, TenantDirectory, type ApiKeyRecord } from '@platform/tenancy';
import { z } from 'zod';
import { Readiness } from '../health/readiness';
import { SERVICE_LOGGER, SERVICE_NAME } from '../tokens';

/** Keeps this process's {@link TenantDirectory} up to date from `tenants.lifecycle`. */
@Injectable()
export class TenantDirectoryFeed implements OnModuleInit {
  constructor(
    @Inject(MESSAGING) private readonly messaging: KafkaMessaging,
    @Inject(SERVICE_NAME) private readonly service: string,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    private readonly directory: TenantDirectory,
    private readonly readiness: Readiness,
  ) {}

  async onModuleInit(): Promise<void> {
    await followFromStartOf(
      this.messaging,
      this.readiness,
      this.service,
      'tenant-directory',
      Topics.tenantsLifecycle,
      3,
      (value) => {
        const snapshot = tenantSnapshotOfEventSchema.safeParse(value);
        if (!snapshot.success)
          throw new NonRetriableError(`not a tenant snapshot: ${snapshot.error.message}`);
        this.directory.apply(snapshot.data);
      },
    );
    this.logger.info({ tenants: this.directory.size }, 'tenant directory caught up');
  }
}

const apiKeyRecordSchema = z.object({
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  tenantId: z.uuid(),
  name: z.string(),
  roles: z.array(z.string()),
  secretHash: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string(),
  revokedAt: z.string().optional(),
});

/** Keeps this process's {@link ApiKeyDirectory} up to date from `tenants.api-keys`. */
@Injectable()
export class ApiKeyFeed implements OnModuleInit {
  constructor(
    @Inject(MESSAGING) private readonly messaging: KafkaMessaging,
    @Inject(SERVICE_NAME) private readonly service: string,
    private readonly keys: ApiKeyDirectory,
    private readonly readiness: Readiness,
  ) {}

  async onModuleInit(): Promise<void> {
    await followFromStartOf(
      this.messaging,
      this.readiness,
      this.service,
      'api-keys',
      Topics.tenantsApiKeys,
      3,
      (value) => {
        const record = apiKeyRecordSchema.safeParse(value);
        if (!record.success) throw new NonRetriableError(`not an API key record: ${record.error.message}`);
        this.keys.apply(record.data satisfies ApiKeyRecord);
      },
    );
  }
}

function followFromStartOf(
  messaging: KafkaMessaging,
  readiness: Readiness,
  service: string,
  name: string,
  base: string,
  partitions: number,
  apply: (value: unknown) => void,
): Promise<void> {
  return followFromStart({
    messaging,
    readiness,
    service,
    name,
    topic: messaging.topic(base),
    partitions,
    apply,
  });
}
