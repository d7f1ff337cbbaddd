import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Topics } from '@platform/contracts';
import {
  MESSAGING,
  type BatchContext,
  type ConsumedMessage,
  type HandlerFailure,
  type KafkaMessaging,
} from '@platform/messaging';
import { eventKey, type OrderEventToApply, type ParkedEvents } from '@platform/read-models';
import { SERVICE_CONFIG } from '@platform/service-kit';
import type { ProjectionServiceConfig } from '../config';
import { ParkedGate } from '../parking/parked-gate';
import { decideParking } from '../parking/parking-decision';
import { parkedTotal } from '../parking/parking-metrics';
import { toParked } from '../parking/parked-message';
import { PARKED_EVENTS } from '../parking/parking.provider';
import { GroupedApply } from './grouped-apply';
import { OrderApplier } from './order-applier';
import { toEventToApply } from './order-event';

/**
 * Kafka adapter of the order projection: each `orders.events` message is applied to the read
 * model of the tenant named in its `ce_tenantid` (and of no other), once per `ce_id`. Messages come
 * in batches (a partition's fetch, possibly of several tenants); each tenant's events of a batch are
 * applied in one transaction, the tenants side by side. An event of a tenant this service does not
 * know yet fails its batch, which is retried (the other tenants' events are then duplicates), and in
 * the end handled one message at a time so that only that tenant's events wait for the directory.
 *
 * Poison messages park their aggregate (issue 9): a message that fails its attempts is parked (and
 * dead-lettered), and every later message of the same aggregate (tenant and key) is parked behind
 * it rather than applied over the gap, until an operator replays or skips (`ParkedAggregates`).
 * Other aggregates go on, and the partition's offsets keep moving. Which aggregates of a batch are
 * parked costs one statement per batch while anything is parked, none otherwise (`ParkedGate`).
 */
@Injectable()
export class OrderProjectionController implements OnModuleInit {
  /** One transaction per tenant for the batches of every partition fetched at once. */
  private readonly grouped = new GroupedApply<OrderEventToApply>((tenantId, events) =>
    this.applier.apply(tenantId, events),
  );

  private readonly gate = new ParkedGate(() =>
    this.parked.anyParked([this.messaging.topic(Topics.ordersEvents)]),
  );

  constructor(
    @Inject(MESSAGING) private readonly messaging: KafkaMessaging,
    private readonly applier: OrderApplier,
    @Inject(PARKED_EVENTS) private readonly parked: ParkedEvents,
    @Inject(SERVICE_CONFIG)
    private readonly config: Pick<ProjectionServiceConfig, 'KAFKA_TOPIC_PREFIX' | 'KAFKA_PARTITIONS'>,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.messaging.subscribe(
      {
        groupId: `${this.config.KAFKA_TOPIC_PREFIX}projection-service.orders`,
        topics: [this.messaging.topic(Topics.ordersEvents)],
        batchHandler: (messages, context) => this.handle(messages, context),
        // a message that failed its attempts parks its aggregate before it goes to the DLQ
        beforeDeadLetter: (message, failure) => this.parkFailed(message, failure),
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
    const toApply = (await this.gate.mayBeParked(context.assignment))
      ? await this.parkBehind(messages)
      : messages;
    // A retried batch goes on its own: an event that fails every time then fails only its own batch.
    const alone = context.attempt > 1 || context.isolated;
    const byTenant = new Map<string, OrderEventToApply[]>();
    for (const message of toApply) {
      const event = toEventToApply(message);
      const tenantId = message.attributes.tenantId;
      const events = byTenant.get(tenantId);
      if (events) events.push(event);
      else byTenant.set(tenantId, [event]);
    }
    const results = await Promise.allSettled(
      [...byTenant].map(([tenantId, events]) =>
        alone ? this.applier.apply(tenantId, events) : this.grouped.apply(tenantId, events),
      ),
    );
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * Parks the messages of parked aggregates (a redelivered parked one is left alone) and returns
   * the messages to apply, in their order.
   */
  private async parkBehind(messages: readonly ConsumedMessage[]): Promise<ConsumedMessage[]> {
    const incoming = messages.map((m) => ({
      tenantId: m.attributes.tenantId,
      key: m.key,
      eventId: m.attributes.id,
    }));
    const lookup = await this.parked.lookup(
      incoming.map((m) => ({ tenantId: m.tenantId, aggregateId: m.key, eventId: m.eventId })),
    );
    const decisions = decideParking(lookup, incoming);
    if (decisions.every((decision) => decision === 'apply')) return [...messages];
    const toPark = messages.filter((_, index) => decisions[index] === 'park');
    this.gate.parking();
    // an aggregate a replay unparked meanwhile is applied after all
    const reopened = await this.parked.parkBehind(toPark.map(toParked));
    for (const message of toPark) {
      if (!reopened.has(eventKey(message.attributes.tenantId, message.attributes.id)))
        parkedTotal.inc({ topic: message.topic, reason: 'behind' });
    }
    return messages.filter(
      (message, index) =>
        decisions[index] === 'apply' ||
        reopened.has(eventKey(message.attributes.tenantId, message.attributes.id)),
    );
  }

  private async parkFailed(message: ConsumedMessage, failure: HandlerFailure): Promise<void> {
    this.gate.parking();
    await this.parked.parkFailed(toParked(message), failure.error, failure.attempts);
    parkedTotal.inc({ topic: message.topic, reason: 'failed' });
  }
}
