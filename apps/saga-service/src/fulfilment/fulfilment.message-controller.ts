import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Topics } from '@platform/contracts';
import { MESSAGING, type ConsumedMessage, type KafkaMessaging } from '@platform/messaging';
import { sagaInputs } from './saga-metrics';
import { sagaInputOf } from './saga-input';
import { SagaSteps } from './saga-steps';
import { FULFILMENT_OPTIONS, type FulfilmentModuleOptions } from './fulfilment.options';

/**
 * Kafka adapter of the fulfilment saga: each event of `orders.events`, `inventory.events` and
 * `payments.events` that the saga reacts to goes, as one step, to the saga of its tenant (from
 * `ce_tenantid` only) and order (from its data). Other types are skipped unparsed; an invalid
 * payload is dead-lettered. No business rule lives here.
 */
@Injectable()
export class FulfilmentMessageController implements OnModuleInit {
  constructor(
    @Inject(MESSAGING) private readonly messaging: KafkaMessaging,
    @Inject(FULFILMENT_OPTIONS) private readonly options: FulfilmentModuleOptions,
    private readonly steps: SagaSteps,
  ) {}

  async onModuleInit(): Promise<void> {
    const partitions = this.options.partitions;
    await this.messaging.subscribe(
      {
        groupId: `${this.options.topicPrefix}saga-service.fulfilment`,
        topics: [Topics.ordersEvents, Topics.inventoryEvents, Topics.paymentsEvents].map((topic) =>
          this.messaging.topic(topic),
        ),
        handler: (message) => this.handle(message),
        partitionsConcurrently: partitions,
      },
      partitions,
    );
  }

  private async handle(message: ConsumedMessage): Promise<void> {
    const parsed = sagaInputOf(message.attributes, message.value);
    if (parsed.kind === 'ignored') {
      sagaInputs.inc({ outcome: 'ignored' });
      return;
    }
    // in the consumer's span (a child of the producer's, i.e. of the request): the step's parent
    const { attributes } = message;
    await this.steps.handle({
      tenantId: attributes.tenantId,
      orderId: parsed.orderId,
      inputId: attributes.id,
      input: parsed.input,
      correlationId: attributes.correlationId,
    });
  }
}
