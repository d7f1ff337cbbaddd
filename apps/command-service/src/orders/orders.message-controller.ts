import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { StreamCache } from '@platform/command-handling';
import { Topics, type OrderCommand } from '@platform/contracts';
import { EVENT_STORE, type EventStore } from '@platform/event-store';
import { MESSAGING, type ConsumedMessage, type KafkaMessaging } from '@platform/messaging';
import { SERVICE_CONFIG } from '@platform/service-kit';
import type { OrderState } from '@platform/orders-domain';
import { AUDITED_APPEND, type AuditedAppend } from '../audited-append/audited-append.port';
import { CommandMessageRunner } from '../command-pipeline/command-message-runner';
import { subscribeToCommands } from '../command-pipeline/command-topics';
import type { CommandServiceConfig } from '../config';
import { handleOrderCommand } from './handle-order-command';
import { orderLimitsOf } from './order-quota';

/**
 * Kafka adapter of the Order commands (`orders.commands`): {@link CommandMessageRunner} parses and
 * answers, {@link handleOrderCommand} runs the command with the quotas of the tenant's plan. It does
 * not publish the events: the store is the outbox, and the event relay (`@platform/event-relay`,
 * started in the app module) puts them on `orders.events`. No business rule lives here.
 */
@Injectable()
export class OrdersMessageController implements OnModuleInit {
  /** The orders of this instance's partitions, as of their last command here (ADR 0018). */
  private readonly hotOrders = new StreamCache<OrderState>();

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
      { commands: Topics.ordersCommands, events: Topics.ordersEvents, group: 'command-service' },
      (message) => this.handle(message),
    );
  }

  private handle(message: ConsumedMessage): Promise<void> {
    return this.runner.run<OrderCommand>(message, 'orders', async (command, meta, tenant) => {
      const outcome = await handleOrderCommand(
        { store: this.store, audited: this.audited, cache: this.hotOrders },
        command,
        meta,
        orderLimitsOf(tenant.plan),
      );
      if (!outcome.ok) return outcome;
      const { orderId, version, position } = outcome;
      return { ok: true, result: { orderId, version, position } };
    });
  }
}
