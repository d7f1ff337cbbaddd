import { isUuid } from '@platform/contracts';
import type { GlobalEvent } from '@platform/event-store';
import { fromCurrentContext, type OutgoingMessage } from '@platform/messaging';
import type { EventRoute } from './event-routing';

/**
 * The tenant under which the platform itself records events about tenants (the tenant registry's
 * streams `tenant-<tenantId>`).
 */
export const PLATFORM_TENANT_ID = '00000000-0000-0000-0000-000000000000';

/** The aggregate id of a stream `<type>-<id>`: what follows the first `-` (the whole name without one). */
export function aggregateIdOf(streamName: string): string {
  const dash = streamName.indexOf('-');
  return dash < 0 ? streamName : streamName.slice(dash + 1);
}

/**
 * `ce_tenantid` of an event: the tenant of its stream, except for an event the platform records
 * about a tenant (store tenant = {@link PLATFORM_TENANT_ID}, data with a UUID `tenantId`): that one
 * is announced as the tenant's own, so consumers file it under the tenant it is about.
 */
export function messageTenantOf(event: GlobalEvent): string {
  if (event.tenantId !== PLATFORM_TENANT_ID) return event.tenantId;
  const about = (event.data as { tenantId?: unknown } | null | undefined)?.tenantId;
  return isUuid(about) ? about.toLowerCase() : event.tenantId;
}

/**
 * The Kafka message of a recorded event: CloudEvents headers from the event and its metadata
 * (`ce_id` = event id, `ce_time` = occurred-at, `ce_subject` and key = aggregate id, `ce_sequence` =
 * stream version, `ce_position` = global position, `ce_dataschemaversion` = the schema version of
 * the data as read, i.e. after upcasting), and the event's original `traceparent`.
 */
export function toOutgoingMessage(
  event: GlobalEvent,
  route: EventRoute,
  destination: { readonly topic: string; readonly source: string },
): OutgoingMessage {
  const { metadata } = event;
  const message = fromCurrentContext(
    {
      topic: destination.topic,
      id: event.eventId,
      type: route.ceType,
      subject: aggregateIdOf(event.streamName),
      value: event.data,
      source: destination.source,
      time: metadata.occurredAt,
      dataSchemaVersion: event.schemaVersion,
      sequence: event.streamVersion,
      position: event.globalPosition,
    },
    {
      tenantId: messageTenantOf(event),
      correlationId: metadata.correlationId,
      causationId: metadata.causationId,
      actor: metadata.actor,
      roles: [],
    },
  );
  return {
    ...message,
    attributes: {
      ...message.attributes,
      ...(metadata.traceparent !== undefined && { traceparent: metadata.traceparent }),
      ...(metadata.tracestate !== undefined && { tracestate: metadata.tracestate }),
    },
  };
}
