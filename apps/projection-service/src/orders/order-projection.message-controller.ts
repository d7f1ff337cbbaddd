import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { fieldErrors, findMessageDefinition, Topics, type OrderEvent } from '@platform/contracts';
import { MESSAGING, NonRetriableError, type ConsumedMessage, type KafkaMessaging } from '@platform/messaging';
import { counter } from '@platform/observability';
import { READ_MODELS, type ReadModels } from '@platform/read-models';
import { SERVICE_CONFIG } from '@platform/service-kit';
import { TenantContextStore } from '@platform/tenancy';
import type { ProjectionServiceConfig } from '../config';

const applied = counter('projection_events_total', 'Order events by projection outcome', ['outcome']);

/**
 * Kafka adapter of the order projection: each `orders.events` message is applied to the read
 * model of the tenant named in its `ce_tenantid` (and of no other), once per `ce_id`.
 */
@Injectable()
export class OrderProjectionController implements OnModuleInit {
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
        handler: (message) => this.handle(message),
        // An event can outrun the tenant's activation in this service's directory: wait a few seconds.
        maxAttempts: 6,
        retryBackoffMs: 100,
      },
      this.config.KAFKA_PARTITIONS,
    );
  }

  private async handle(message: ConsumedMessage): Promise<void> {
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
    const event = { type: definition.name, data: data.data } as OrderEvent;
    const { tenantId } = TenantContextStore.require();
    const outcome = await this.readModels.orders.apply(tenantId, attributes.id, event, {
      occurredAt: attributes.time,
      version: attributes.sequence,
      position: attributes.position ?? 0,
    });
    applied.inc({ outcome });
    // after the change is committed (a duplicate too: a crash may have come before this line), so
    // that an X-Consistency-Token with this position finds its effect readable
    if (attributes.position !== undefined)
      await this.readModels.positions.record(tenantId, attributes.position);
  }
}
