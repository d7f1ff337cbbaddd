import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { fieldErrors, findMessageDefinition, Topics, type InventoryEvent } from '@platform/contracts';
import {
  MESSAGING,
  NonRetriableError,
  type BatchContext,
  type ConsumedMessage,
  type KafkaMessaging,
} from '@platform/messaging';
import { counter } from '@platform/observability';
import { PRODUCT_VIEWS, type ProductEventToApply, type ProductViewStore } from '@platform/read-models';
import { SERVICE_CONFIG } from '@platform/service-kit';
import type { ProjectionServiceConfig } from '../config';
import { GroupedApply } from '../orders/grouped-apply';

const applied = counter('projection_product_events_total', 'Inventory events by projection outcome', [
  'outcome',
]);

/**
 * Kafka adapter of the product projection: each `inventory.events` message is applied to the
 * product read model of the tenant in its `ce_tenantid`, once per `ce_id`, as the order projection
 * does (a batch per tenant in one transaction, grouped across partitions; a tenant not known yet
 * retries its batch).
 */
@Injectable()
export class ProductProjectionController implements OnModuleInit {
  private readonly grouped = new GroupedApply<ProductEventToApply>((tenantId, events) =>
    this.applyNow(tenantId, events),
  );

  constructor(
    @Inject(MESSAGING) private readonly messaging: KafkaMessaging,
    @Inject(PRODUCT_VIEWS) private readonly products: ProductViewStore,
    @Inject(SERVICE_CONFIG) private readonly config: ProjectionServiceConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.messaging.subscribe(
      {
        groupId: `${this.config.KAFKA_TOPIC_PREFIX}projection-service.products`,
        topics: [this.messaging.topic(Topics.inventoryEvents)],
        batchHandler: (messages, context) => this.handle(messages, context),
        maxAttempts: 6,
        retryBackoffMs: 100,
        minBatchIntervalMs: 20,
        partitionsConcurrently: this.config.KAFKA_PARTITIONS,
      },
      this.config.KAFKA_PARTITIONS,
    );
  }

  private async handle(messages: readonly ConsumedMessage[], context: BatchContext): Promise<void> {
    const alone = context.attempt > 1 || context.isolated;
    const byTenant = new Map<string, ProductEventToApply[]>();
    for (const message of messages) {
      const event = toEventToApply(message);
      const events = byTenant.get(message.attributes.tenantId);
      if (events) events.push(event);
      else byTenant.set(message.attributes.tenantId, [event]);
    }
    const results = await Promise.allSettled(
      [...byTenant].map(([tenantId, events]) =>
        alone ? this.applyNow(tenantId, events) : this.grouped.apply(tenantId, events),
      ),
    );
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async applyNow(tenantId: string, events: readonly ProductEventToApply[]): Promise<void> {
    const outcomes = await this.products.applyBatch(tenantId, events);
    for (const outcome of outcomes) applied.inc({ outcome });
  }
}

/** The inventory event a message carries, or a {@link NonRetriableError} (dead-lettered). */
function toEventToApply(message: ConsumedMessage): ProductEventToApply {
  const { attributes } = message;
  const definition = findMessageDefinition(attributes.type);
  if (!definition || definition.kind !== 'event' || definition.context !== 'inventory') {
    throw new NonRetriableError(`not an inventory event: ${attributes.type}`);
  }
  const data = definition.schema.safeParse(message.value);
  if (!data.success) {
    throw new NonRetriableError(
      `${definition.name} is not valid: ${JSON.stringify(fieldErrors(data.error))}`,
    );
  }
  if (attributes.sequence === undefined) throw new NonRetriableError('inventory event without ce_sequence');
  return {
    eventId: attributes.id,
    event: { type: definition.name, data: data.data } as InventoryEvent,
    occurredAt: attributes.time,
    version: attributes.sequence,
    ...(attributes.position !== undefined && { position: attributes.position }),
  };
}
