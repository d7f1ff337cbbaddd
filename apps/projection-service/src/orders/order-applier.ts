import { Inject, Injectable } from '@nestjs/common';
import type { ConsumedMessage } from '@platform/messaging';
import { counter } from '@platform/observability';
import { READ_MODELS, type OrderEventToApply, type ReadModels } from '@platform/read-models';
import { toEventToApply } from './order-event';

const applied = counter('projection_events_total', 'Order events by projection outcome', ['outcome']);

/**
 * Applies order events to a tenant's read model: what the Kafka adapter does with a batch, and what
 * a replay of parked messages does with each of them.
 */
@Injectable()
export class OrderApplier {
  constructor(@Inject(READ_MODELS) private readonly readModels: Pick<ReadModels, 'orders'>) {}

  /** One tenant's events, in one transaction (ADR 0015). */
  async apply(tenantId: string, events: readonly OrderEventToApply[]): Promise<void> {
    const outcomes = await this.readModels.orders.applyBatch(tenantId, events);
    for (const outcome of outcomes) applied.inc({ outcome });
  }

  /** One message, as the projection would have applied it (parsed again by today's code). */
  async applyMessage(message: ConsumedMessage): Promise<void> {
    await this.apply(message.attributes.tenantId, [toEventToApply(message)]);
  }
}
