import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  messageDefinition,
  paymentStreamName,
  Topics,
  type PaymentEvent,
  type RecordChargeOutcome,
} from '@platform/contracts';
import { EVENT_STORE, type EventStore } from '@platform/event-store';
import {
  fromCurrentContext,
  MESSAGING,
  type ConsumedMessage,
  type KafkaMessaging,
} from '@platform/messaging';
import type { Logger } from '@platform/observability';
import { paymentDecider, SimulatedPaymentProvider, type PaymentState } from '@platform/payments-domain';
import { SERVICE_CONFIG, SERVICE_LOGGER } from '@platform/service-kit';
import { TenantContextStore } from '@platform/tenancy';
import type { CommandServiceConfig } from '../../config';
import { processPaymentEvent, type PaymentProcessorPorts } from './payment-processor';

/** The actor of the commands the processor sends (audit records, `ce_` headers). */
export const PAYMENT_PROCESSOR_ACTOR = 'service:payment-processor';

/**
 * Kafka adapter of the payment processor (ADR 0023): its own consumer group on `payments.events`;
 * each event runs {@link processPaymentEvent} in the event's tenant context, and the provider's
 * answer goes back as `RecordChargeOutcome` on `payments.commands` (keyed by order id, so it is
 * decided in order with the saga's commands of that payment). The provider is the simulated one of
 * the reference domain (contract §5).
 */
@Injectable()
export class PaymentProcessorMessageController implements OnModuleInit {
  private readonly provider = new SimulatedPaymentProvider();

  constructor(
    @Inject(MESSAGING) private readonly messaging: KafkaMessaging,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SERVICE_CONFIG) private readonly config: CommandServiceConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const partitions = this.config.KAFKA_PARTITIONS;
    await this.messaging.ensureTopics(
      [{ topic: this.messaging.topic(Topics.paymentsCommands), partitions }],
      true,
    );
    await this.messaging.subscribe(
      {
        groupId: `${this.config.KAFKA_TOPIC_PREFIX}command-service.payment-processor`,
        topics: [this.messaging.topic(Topics.paymentsEvents)],
        handler: (message) => this.handle(message),
      },
      partitions,
    );
  }

  private async handle(message: ConsumedMessage): Promise<void> {
    const tenant = TenantContextStore.require();
    const ports: PaymentProcessorPorts = {
      provider: this.provider,
      paymentOf: (orderId) => this.paymentOf(tenant.tenantId, orderId),
      record: (command, commandId) => this.record(command, commandId),
      deadline: () => AbortSignal.timeout(this.config.PAYMENT_PROVIDER_TIMEOUT_MS),
    };
    const type = message.attributes.type.slice(message.attributes.type.indexOf('.') + 1);
    const step = await processPaymentEvent(ports, { id: message.attributes.id, type, data: message.value });
    if (step.did === 'abandoned') {
      this.logger.warn(
        {
          tenantId: tenant.tenantId,
          orderId: message.key,
          timeoutMs: this.config.PAYMENT_PROVIDER_TIMEOUT_MS,
        },
        'payment provider did not answer in time: charge abandoned, nothing recorded',
      );
    }
  }

  private async paymentOf(tenantId: string, orderId: string): Promise<PaymentState> {
    const recorded = await this.store.readStream(tenantId, paymentStreamName(orderId));
    return recorded.reduce<PaymentState>(
      (state, e) => paymentDecider.evolve(state, { type: e.type, data: e.data } as PaymentEvent),
      paymentDecider.initialState(),
    );
  }

  private async record(command: RecordChargeOutcome, commandId: string): Promise<void> {
    const tenant = TenantContextStore.require();
    await this.messaging.publish([
      fromCurrentContext(
        {
          id: commandId,
          topic: this.messaging.topic(Topics.paymentsCommands),
          type: `payments.${command.type}`,
          subject: command.data.orderId,
          value: command.data,
          source: this.messaging.source,
          dataSchemaVersion: messageDefinition('payments', command.type).schemaVersion,
        },
        { ...tenant, actor: PAYMENT_PROCESSOR_ACTOR },
      ),
    ]);
  }
}
