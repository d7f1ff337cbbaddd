import { messageDefinition, type EntityTagCondition, type MessageDefinition } from '@platform/contracts';
import type { EventMetadata, NewEvent } from '@platform/event-store';

/** Who sends a command, in which request, and what the command service gives it (time, ids). */
export interface CommandMetadata {
  readonly tenantId: string;
  readonly correlationId: string;
  /** The command's own id: the cause of the events it produces, and the audit record's request id. */
  readonly causationId: string;
  readonly actor: string;
  readonly now: () => string;
  readonly newId: () => string;
  readonly traceparent?: string;
  /**
   * The requester's precondition on the aggregate's version (`ce_ifmatch`, from HTTP `If-Match`):
   * checked against the stream as loaded, and held by the append's expected version (ADR 0011).
   */
  readonly ifMatch?: EntityTagCondition;
}

/** The decided events as the store records them: the command's metadata, the registry's schema versions. */
export function newEventsOf(
  context: MessageDefinition['context'],
  events: readonly { readonly type: string; readonly data: unknown }[],
  meta: CommandMetadata,
  occurredAt: string,
): NewEvent[] {
  const metadata: EventMetadata = {
    tenantId: meta.tenantId,
    correlationId: meta.correlationId,
    causationId: meta.causationId,
    actor: meta.actor,
    occurredAt,
    ...(meta.traceparent !== undefined && { traceparent: meta.traceparent }),
  };
  return events.map((event) => ({
    eventId: meta.newId(),
    type: event.type,
    data: event.data,
    schemaVersion: messageDefinition(context, event.type).schemaVersion,
    metadata,
  }));
}
