import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  fieldErrors,
  findMessageDefinition,
  Topics,
  type OrderCommand,
  type ProblemData,
} from '@platform/contracts';
import { EVENT_STORE, type EventStore } from '@platform/event-store';
import { MESSAGING, NonRetriableError, type ConsumedMessage, type KafkaMessaging } from '@platform/messaging';
import { SERVICE_CONFIG } from '@platform/service-kit';
import { statusRefusal, TenantContextStore, TenantDirectory } from '@platform/tenancy';
import type { CommandServiceConfig } from '../config';
import { handleOrderCommand } from './handle-order-command';

/**
 * Kafka adapter of the Order commands: parses, calls {@link handleOrderCommand} and answers the
 * requester as soon as the events are appended. It does not publish them: the store is the outbox,
 * and the event relay (`@platform/event-relay`, started in the app module) puts them on
 * `orders.events`. No business rule lives here.
 */
@Injectable()
export class OrdersMessageController implements OnModuleInit {
  constructor(
    @Inject(MESSAGING) private readonly messaging: KafkaMessaging,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SERVICE_CONFIG) private readonly config: CommandServiceConfig,
    private readonly directory: TenantDirectory,
  ) {}

  async onModuleInit(): Promise<void> {
    const partitions = this.config.KAFKA_PARTITIONS;
    await this.messaging.ensureTopics(
      [{ topic: this.messaging.topic(Topics.ordersEvents), partitions }],
      true,
    );
    await this.messaging.subscribe(
      {
        groupId: `${this.config.KAFKA_TOPIC_PREFIX}command-service`,
        topics: [this.messaging.topic(Topics.ordersCommands)],
        handler: (message) => this.handle(message),
      },
      partitions,
    );
  }

  private async handle(message: ConsumedMessage): Promise<void> {
    const command = this.parse(message);
    if (!command.ok) {
      await this.messaging.reply(message, { ok: false, problem: command.problem });
      throw new NonRetriableError(command.problem.detail);
    }
    const tenant = TenantContextStore.require();
    const refusal = await this.tenantRefusal(tenant.tenantId);
    if (refusal) {
      await this.messaging.reply(message, { ok: false, problem: refusal });
      throw new NonRetriableError(`${refusal.kind}: ${refusal.detail}`);
    }
    const outcome = await handleOrderCommand(this.store, command.command, {
      tenantId: tenant.tenantId,
      correlationId: tenant.correlationId,
      causationId: message.attributes.id,
      actor: tenant.actor,
      now: () => new Date().toISOString(),
      newId: randomUUID,
      ...(message.attributes.traceparent !== undefined && { traceparent: message.attributes.traceparent }),
    });
    if (!outcome.ok) {
      await this.messaging.reply(message, { ok: false, problem: outcome.problem });
      return;
    }
    // Appended = accepted: the relay publishes the events; the reply does not wait for it.
    await this.messaging.reply(message, {
      ok: true,
      result: { orderId: outcome.orderId, version: outcome.version, position: outcome.position },
    });
  }

  /** The contract's tenant-status rule, enforced on commands that arrive on Kafka. */
  private async tenantRefusal(tenantId: string): Promise<ProblemData | undefined> {
    const known = this.directory.byTenantId(tenantId);
    // A command can reach us a moment before the activation that let the gateway accept it.
    const tenant =
      known?.status === 'active'
        ? known
        : await this.directory.waitFor(tenantId, (t) => t.status !== 'draft', 2_000);
    return statusRefusal(tenant?.status, 'write');
  }

  private parse(
    message: ConsumedMessage,
  ): { ok: true; command: OrderCommand } | { ok: false; problem: ProblemData } {
    const definition = findMessageDefinition(message.attributes.type);
    if (!definition || definition.kind !== 'command' || definition.context !== 'orders') {
      return {
        ok: false,
        problem: { kind: 'validation', detail: `unknown command type ${message.attributes.type}` },
      };
    }
    const data = definition.schema.safeParse(message.value);
    if (!data.success) {
      return {
        ok: false,
        problem: {
          kind: 'validation',
          detail: `${definition.name} is not valid`,
          errors: fieldErrors(data.error),
        },
      };
    }
    return { ok: true, command: { type: definition.name, data: data.data } as OrderCommand };
  }
}
