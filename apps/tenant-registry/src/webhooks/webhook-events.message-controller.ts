import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Topics } from '@platform/contracts';
import { MESSAGING, type ConsumedMessage, type KafkaMessaging } from '@platform/messaging';
import { SERVICE_CONFIG } from '@platform/service-kit';
import type { TenantRegistryConfig } from '../config';
import { RegistryDatabase } from '../registry/registry-database';

/** Topics whose events a tenant may subscribe to with a webhook. */
export const WEBHOOK_SOURCE_TOPICS = [Topics.tenantsLifecycle, Topics.ordersEvents] as const;

/**
 * Kafka adapter of outgoing webhooks, in batch mode: each event of the tenant (`ce_tenantid`) becomes one pending
 * delivery per matching subscription (type = `ce_type`), with `ce_id` as its event id, so a
 * redelivered message enqueues nothing twice. The registry's dispatcher sends them. One consumer
 * group for all registry instances: each event is enqueued by one of them.
 */
@Injectable()
export class WebhookEventsMessageController implements OnModuleInit {
  constructor(
    @Inject(MESSAGING) private readonly messaging: KafkaMessaging,
    @Inject(SERVICE_CONFIG) private readonly config: TenantRegistryConfig,
    private readonly db: RegistryDatabase,
  ) {}

  async onModuleInit(): Promise<void> {
    // tenants.lifecycle has 3 partitions wherever it is created (the tenant directory feeds too).
    await this.messaging.ensureTopics(
      [{ topic: this.messaging.topic(Topics.tenantsLifecycle), partitions: 3 }],
      true,
    );
    await this.messaging.subscribe(
      {
        groupId: `${this.config.KAFKA_TOPIC_PREFIX}tenant-registry.webhooks`,
        topics: WEBHOOK_SOURCE_TOPICS.map((topic) => this.messaging.topic(topic)),
        // one statement per batch finds the few events some subscription wants
        batchHandler: (messages) => this.enqueue(messages),
        // a webhook may leave a moment later; the batch (one statement) is what costs
        minBatchIntervalMs: 100,
      },
      6,
    );
  }

  private async enqueue(messages: readonly ConsumedMessage[]): Promise<void> {
    await this.db.queue.enqueueAll(
      messages.map(({ attributes: { tenantId, id, type, time, traceparent }, value }) => ({
        tenantId,
        event: { id, type, data: value, occurredAt: time, ...(traceparent !== undefined && { traceparent }) },
      })),
    );
  }
}
