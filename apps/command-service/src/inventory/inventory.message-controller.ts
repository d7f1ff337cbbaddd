import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { StreamCache } from '@platform/command-handling';
import { Topics, type InventoryCommand } from '@platform/contracts';
import { EVENT_STORE, type EventStore } from '@platform/event-store';
import type { ProductState } from '@platform/inventory-domain';
import { MESSAGING, type ConsumedMessage, type KafkaMessaging } from '@platform/messaging';
import { SERVICE_CONFIG } from '@platform/service-kit';
import { AUDITED_APPEND, type AuditedAppend } from '../audited-append/audited-append.port';
import { CommandMessageRunner } from '../command-pipeline/command-message-runner';
import { subscribeToCommands } from '../command-pipeline/command-topics';
import { maxStorageBytesOf } from '../command-pipeline/tenant-limits';
import type { CommandServiceConfig } from '../config';
import { handleInventoryCommand } from './handle-inventory-command';

/**
 * Kafka adapter of the Product commands (`inventory.commands`, keyed by sku): the gateway's
 * create and restock (with a reply-to) and the fulfilment saga's reserve, release and commit
 * (without). {@link CommandMessageRunner} parses and answers, {@link handleInventoryCommand} runs
 * the command. The event relay puts the events on `inventory.events`. No business rule lives here.
 */
@Injectable()
export class InventoryMessageController implements OnModuleInit {
  /** The products of this instance's partitions, as of their last command here (ADR 0018). */
  private readonly hotProducts = new StreamCache<ProductState>();

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
        commands: Topics.inventoryCommands,
        events: Topics.inventoryEvents,
        group: 'command-service.inventory',
      },
      (message) => this.handle(message),
    );
  }

  private handle(message: ConsumedMessage): Promise<void> {
    return this.runner.run<InventoryCommand>(message, 'inventory', async (command, meta, tenant) => {
      const outcome = await handleInventoryCommand(
        { store: this.store, audited: this.audited, cache: this.hotProducts },
        command,
        meta,
        maxStorageBytesOf(tenant.plan),
      );
      if (!outcome.ok) return outcome;
      const { sku, version, position } = outcome;
      return { ok: true, result: { sku, version, position } };
    });
  }
}
