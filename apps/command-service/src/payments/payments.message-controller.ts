import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { StreamCache } from '@platform/command-handling';
import { Topics, type PaymentCommand } from '@platform/contracts';
import { EVENT_STORE, type EventStore } from '@platform/event-store';
import type { PaymentState } from '@platform/payments-domain';
import { MESSAGING, type ConsumedMessage, type KafkaMessaging } from '@platform/messaging';
import { SERVICE_CONFIG } from '@platform/service-kit';
import { AUDITED_APPEND, type AuditedAppend } from '../audited-append/audited-append.port';
import { CommandMessageRunner } from '../command-pipeline/command-message-runner';
import { subscribeToCommands } from '../command-pipeline/command-topics';
import { maxStorageBytesOf } from '../command-pipeline/tenant-limits';
import type { CommandServiceConfig } from '../config';
import { handlePaymentCommand } from './handle-payment-command';

/**
 * Kafka adapter of the Payment commands (`payments.commands`, keyed by order id): the fulfilment
 * saga's charge and refund (without a reply-to) and the payment processor's recorded outcomes.
 * {@link CommandMessageRunner} parses and answers, {@link handlePaymentCommand} runs the command.
 * The event relay puts the events on `payments.events`. No business rule lives here.
 */
@Injectable()
export class PaymentsMessageController implements OnModuleInit {
  /** The payments of this instance's partitions, as of their last command here (ADR 0018). */
  private readonly hotPayments = new StreamCache<PaymentState>();

  constructor(
    @Inject(MESSAGING) private readonly messaging: KafkaMessaging,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(AUDITED_APPEND) private readonly audited: AuditedAppend,
    @Inject(SERVICE_CONFIG) private readonly config: CommandServiceConfig,
    private readonly runner: CommandMessageRunner,
  ) {}

  async onModuleInit(): Promise<void> {
    await subscribeToCommands(
      this.messaging,
      this.config,
      {
        commands: Topics.paymentsCommands,
        events: Topics.paymentsEvents,
        group: 'command-service.payments',
      },
      (message) => this.handle(message),
    );
  }

  private handle(message: ConsumedMessage): Promise<void> {
    return this.runner.run<PaymentCommand>(message, 'payments', async (command, meta, tenant) => {
      const outcome = await handlePaymentCommand(
        { store: this.store, audited: this.audited, cache: this.hotPayments },
        command,
        meta,
        maxStorageBytesOf(tenant.plan),
      );
      if (!outcome.ok) return outcome;
      const { orderId, version, position } = outcome;
      return { ok: true, result: { orderId, version, position } };
    });
  }
}
