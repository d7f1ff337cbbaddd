import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Topics, tenantSnapshotSchema } from '@platform/contracts';
import { MESSAGING, NonRetriableError, type KafkaMessaging } from '@platform/messaging';
import type { Logger } from '@platform/observability';
import { TenantDirectory } from '@platform/tenancy';
import { Readiness } from '../health/readiness';
import { SERVICE_LOGGER, SERVICE_NAME } from '../tokens';

/**
 * Keeps this process's {@link TenantDirectory} up to date from `tenants.lifecycle`. A fresh
 * consumer group per process start reads the topic from the beginning; the service reports ready
 * (and starts listening) only once it has caught up with what was there at start.
 */
@Injectable()
export class TenantDirectoryFeed implements OnModuleInit {
  private caughtUp = false;

  constructor(
    @Inject(MESSAGING) private readonly messaging: KafkaMessaging,
    @Inject(SERVICE_NAME) private readonly service: string,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    private readonly directory: TenantDirectory,
    private readonly readiness: Readiness,
  ) {}

  async onModuleInit(): Promise<void> {
    const topic = this.messaging.topic(Topics.tenantsLifecycle);
    await this.messaging.ensureTopics([{ topic, partitions: 3 }], true);
    const target = await this.messaging.endOffsets(topic);
    const seen = new Map<number, bigint>();
    let markCaughtUp: () => void = () => undefined;
    const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
    const check = (): void => {
      for (const [partition, end] of target) {
        if (end > 0n && (seen.get(partition) ?? -1n) < end - 1n) return;
      }
      this.caughtUp = true;
      markCaughtUp();
    };
    check();
    this.readiness.register('tenant-directory', async () => {
      if (!this.caughtUp) throw new Error('still reading tenants.lifecycle');
    });
    await this.messaging.subscribe(
      {
        groupId: `${this.service}.tenant-directory.${randomUUID()}`,
        topics: [topic],
        fromBeginning: true,
        handler: async (message) => {
          const snapshot = tenantSnapshotSchema.safeParse(message.value);
          if (!snapshot.success)
            throw new NonRetriableError(`not a tenant snapshot: ${snapshot.error.message}`);
          this.directory.apply(snapshot.data);
        },
        onProcessed: (_topic, partition, offset) => {
          seen.set(partition, BigInt(offset));
          if (!this.caughtUp) check();
        },
      },
      3,
    );
    await caughtUp;
    this.logger.info({ tenants: this.directory.size }, 'tenant directory caught up');
  }
}
