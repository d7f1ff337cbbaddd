import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { StreamCache } from '@platform/command-handling';
import {
  fieldErrors,
  findMessageDefinition,
  parseEntityTagCondition,
  Topics,
  type EntityTagCondition,
  type OrderCommand,
  type ProblemData,
  type TenantSnapshot,
} from '@platform/contracts';
import { EVENT_STORE, type EventStore } from '@platform/event-store';
import { MESSAGING, NonRetriableError, type ConsumedMessage, type KafkaMessaging } from '@platform/messaging';
import type { Logger } from '@platform/observability';
import { SERVICE_CONFIG, SERVICE_LOGGER } from '@platform/service-kit';
import { statusRefusal, TenantContextStore, TenantDirectory } from '@platform/tenancy';
import type { OrderState } from '@platform/orders-domain';
import { AUDITED_APPEND, type AuditedAppend } from '../audited-append/audited-append.port';
import type { CommandServiceConfig } from '../config';
import { handleOrderCommand } from './handle-order-command';
import { orderLimitsOf } from './order-quota';

/**
 * Kafka adapter of the Order commands: parses, calls {@link handleOrderCommand} with the quotas of
 * the tenant's plan, and answers the requester as soon as the events and their audit record are
 * written. It does not publish them: the store is the outbox, and the event relay
 * (`@platform/event-relay`, started in the app module) puts them on `orders.events`. No business
 * rule lives here.
 */
@Injectable()
export class OrdersMessageController implements OnModuleInit {
  /** The orders of this instance's partitions, as of their last command here (ADR 0018). */
  private readonly hotOrders = new StreamCache<OrderState>();

  constructor(
    @Inject(MESSAGING) private readonly messaging: KafkaMessaging,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(AUDITED_APPEND) private readonly audited: AuditedAppend,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
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
        // every partition's commands of one fetch join the same group commit (ADR 0018)
        partitionsConcurrently: partitions,
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
    const known = await this.activeTenant(tenant.tenantId);
    if (!known.ok) {
      await this.messaging.reply(message, { ok: false, problem: known.refusal });
      throw new NonRetriableError(`${known.refusal.kind}: ${known.refusal.detail}`);
    }
    const outcome = await handleOrderCommand(
      { store: this.store, audited: this.audited, cache: this.hotOrders },
      command.command,
      {
        tenantId: tenant.tenantId,
        correlationId: tenant.correlationId,
        causationId: message.attributes.id,
        actor: tenant.actor,
        now: () => new Date().toISOString(),
        newId: randomUUID,
        ...(message.attributes.traceparent !== undefined && { traceparent: message.attributes.traceparent }),
        ...(command.ifMatch !== undefined && { ifMatch: command.ifMatch }),
      },
      orderLimitsOf(known.tenant.plan),
    );
    if (!outcome.ok) {
      if (outcome.cause !== undefined) {
        this.logger.error(
          { err: outcome.cause, tenantId: tenant.tenantId, type: command.command.type },
          'order command not written: answered unavailable',
        );
      }
      await this.messaging.reply(message, { ok: false, problem: outcome.problem });
      return;
    }
    // Appended = accepted: the relay publishes the events; the reply does not wait for it.
    await this.messaging.reply(message, {
      ok: true,
      result: { orderId: outcome.orderId, version: outcome.version, position: outcome.position },
    });
  }

  /** The contract's tenant-status rule, enforced on commands that arrive on Kafka; the plan's quotas. */
  private async activeTenant(
    tenantId: string,
  ): Promise<{ ok: true; tenant: TenantSnapshot } | { ok: false; refusal: ProblemData }> {
    const known = this.directory.byTenantId(tenantId);
    // A command can reach us a moment before the activation that let the gateway accept it.
    const tenant =
      known?.status === 'active'
        ? known
        : await this.directory.waitFor(tenantId, (t) => t.status !== 'draft', 2_000);
    const refusal = statusRefusal(tenant?.status, 'write');
    if (refusal || tenant === undefined) {
      return { ok: false, refusal: refusal ?? { kind: 'tenantNotActive', detail: 'unknown tenant' } };
    }
    return { ok: true, tenant };
  }

  /** The command and its `ce_ifmatch` precondition (ADR 0011); a malformed one is a 400. */
  private parse(
    message: ConsumedMessage,
  ): { ok: true; command: OrderCommand; ifMatch?: EntityTagCondition } | { ok: false; problem: ProblemData } {
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
    const ifMatchText = message.attributes.ifMatch;
    const ifMatch = ifMatchText === undefined ? undefined : parseEntityTagCondition(ifMatchText);
    if (ifMatch && !ifMatch.ok) {
      return {
        ok: false,
        problem: {
          kind: 'validation',
          detail: 'the ce_ifmatch precondition is malformed',
          errors: [{ path: '/headers/ce_ifmatch', message: ifMatch.message }],
        },
      };
    }
    return {
      ok: true,
      command: { type: definition.name, data: data.data } as OrderCommand,
      ...(ifMatch && { ifMatch: ifMatch.condition }),
    };
  }
}
