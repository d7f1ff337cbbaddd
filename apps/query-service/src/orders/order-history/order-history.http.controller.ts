import { Controller, Get, Headers, Inject, Param } from '@nestjs/common';
import { isUuid, orderStreamName, ProblemError } from '@platform/contracts';
import type { EventStore, RecordedEvent } from '@platform/event-store';
import { Access, CurrentTenant, type TenantContext } from '@platform/tenancy';
import { checkedPosition } from '../../consistency/wait-for-position';
import { ORDER_EVENTS } from './order-events.provider';

/**
 * `GET /v1/orders/{id}/history`: the order's events, oldest first, read from the event store's
 * stream of that order in the caller's tenant (the store keys streams by tenant: another tenant's
 * order is the same 404 as an unknown one). The whole stream in one answer: an order has a bounded
 * number of lines, so its history stays short.
 *
 * The store is where a command's events are committed before it answers, so a history is never
 * behind a command: `X-Consistency-Token` is checked for its form (400) and then holds at once.
 */
@Controller('v1/orders')
export class OrderHistoryHttpController {
  constructor(@Inject(ORDER_EVENTS) private readonly events: EventStore) {}

  @Get(':id/history')
  @Access({ scope: 'tenant', role: 'viewer', mode: 'read' })
  async history(
    @Param('id') id: string,
    @CurrentTenant() tenant: TenantContext,
    @Headers('x-consistency-token') consistencyToken: string | undefined,
  ) {
    if (!isUuid(id)) {
      throw new ProblemError('validation', 'the order id must be a UUID', [
        { path: '/params/id', message: 'not a UUID' },
      ]);
    }
    if (consistencyToken !== undefined) checkedPosition(consistencyToken);
    const orderId = id.toLowerCase();
    const events = await this.events.readStream(tenant.tenantId, orderStreamName(orderId));
    if (events.length === 0) throw new ProblemError('notFound', `order ${id} not found`);
    return { orderId, events: events.map(historyEntry) };
  }
}

/** One event as the history shows it: what happened, when (the decision's time), by whom. */
function historyEntry(event: RecordedEvent) {
  return {
    type: event.type,
    version: event.streamVersion,
    time: event.metadata.occurredAt,
    actor: event.metadata.actor,
    data: event.data,
  };
}
