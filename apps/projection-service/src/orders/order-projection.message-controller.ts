import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { fieldErrors, findMessageDefinition, Topics, type OrderEvent } from '@platform/contracts';
import {
  MESSAGING,
  NonRetriableError,
  type BatchContext,
  type ConsumedMessage,
  type KafkaMessaging,
} from '@platform/messaging';
import { counter } from '@platform/observability';
import { READ_MODELS, type OrderEventToApply, type ReadModels } from '@platform/read-models';
import { SERVICE_CONFIG } from '@platform/service-kit';
import type { ProjectionServiceConfig } from '../config';
import { GroupedApply } from './grouped-apply';

const applied = counter('projection_events_total', 'Order events by projection outcome', ['outcome']);

/**
 * Kafka adapter of the order projection: each `orders.events` message is applied to the read
 * model of the tenant named in its `ce_tenantid` (and of no other), once per `ce_id`. Messages come
 * in batches (a partition's fetch, possibly of several tenants); each tenant's events of a batch are
 * applied in one transaction, the tenants side by side. An event of a tenant this service does not
 * know yet fails its batch, which is retried (the other tenants' events are then duplicates), and in
 * the end handled one message at a time so that only that tenant's events wait for the directory.
 */
@Injectable()
export class OrderProjectionController implements OnModuleInit {
  /** One transaction per tenant for the batches of every partition fetched at once. */
  private readonly grouped = new GroupedApply<OrderEventToApply>((tenantId, events) =>
    this.applyNow(tenantId, events),
  );

  constructor(
    @Inject(MESSAGING) private readonly messaging: KafkaMessaging,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(SERVICE_CONFIG) private readonly config: ProjectionServiceConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.messaging.subscribe(
      {
        groupId: `${this.config.KAFKA_TOPIC_PREFIX}projection-service.orders`,
        topics: [this.messaging.topic(Topics.ordersEvents)],
        batchHandler: (messages, context) => this.handle(messages, context),
        // An event can outrun the tenant's activation in this service's directory: wait a few seconds.
        maxAttempts: 6,
        retryBackoffMs: 100,
        // Under load, a batch per partition every 20 ms at most: fuller batches, fewer transactions,
        // at most 20 ms added to append -> visible; a lone event after a quiet spell goes at once.
        minBatchIntervalMs: 20,
        // every partition's batch of a fetch at once, so that they share each tenant's transaction
        partitionsConcurrently: this.config.KAFKA_PARTITIONS,
      },
      this.config.KAFKA_PARTITIONS,
    );
  }

  private async handle(messages: readonly ConsumedMessage[], context: BatchContext): Promise<void> {
    // A retried batch goes on its own: an event that fails every time then fails only its own batch.
    const alone = context.attempt > 1 || context.isolated;
    const byTenant = new Map<string, OrderEventToApply[]>();
    for (const message of messages) {
      const event = toEventToApply(message);
      const tenantId = message.attributes.tenantId;
      const events = byTenant.get(tenantId);
      if (events) events.push(event);
      else byTenant.set(tenantId, [event]);
    }
    const results = await Promise.allSettled(
      [...byTenant].map(([tenantId, events]) =>
        alone ? this.applyNow(tenantId, events) : this.grouped.apply(tenantId, events),
      ),
    );
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async applyNow(tenantId: string, events: readonly OrderEventToApply[]): Promise<void> {
    const outcomes = await this.readModels.orders.applyBatch(tenantId, events);
    for (const outcome of outcomes) applied.inc({ outcome });
  }
}

/** The order event a message carries, or a {@link NonRetriableError} (dead-lettered). */
function toEventToApply(message: ConsumedMessage): OrderEventToApply {
  const { attributes } = message;
  const definition = findMessageDefinition(attributes.type);
  if (!definition || definition.kind !== 'event' || definition.context !== 'orders') {
    throw new NonRetriableError(`not an order event: ${attributes.type}`);
  }
  const data = definition.schema.safeParse(message.value);
  if (!data.success) {
    throw new NonRetriableError(
      `${definition.name} is not valid: ${JSON.stringify(fieldErrors(data.error))}`,
    );
  }
  if (attributes.sequence === undefined) throw new NonRetriableError('order event without ce_sequence');
  return {
    eventId: attributes.id,
    event: { type: definition.name, data: data.data } as OrderEvent,
    occurredAt: attributes.time,
    version: attributes.sequence,
    ...(attributes.position !== undefined && { position: attributes.position }),
  };
}
