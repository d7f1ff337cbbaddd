import { PLATFORM_TENANT_ID } from '@platform/audit';
import { messageDefinition, tenantStreamName, type TenantEvent } from '@platform/contracts';
import type { EventMetadata, NewEvent, PostgresEventStore } from '@platform/event-store';
import { evolve, initialState, type TenantState } from '@platform/tenants-domain';
import type { Caller } from './caller';

/**
 * A tenant's own history is the stream `tenant-<id>`, owned by the platform tenant: purging the
 * tenant's data (its own streams) leaves its lifecycle, so its id and slug are never reused.
 */
export const TENANT_STREAM_OWNER = PLATFORM_TENANT_ID;

export interface LoadedTenant {
  readonly state: TenantState;
  /** Events in the stream: the expected version of the next append. */
  readonly streamVersion: number;
  /** The last event, to correlate what the controller does next with the change that caused it. */
  readonly last?: { readonly eventId: string; readonly correlationId: string };
}

export async function loadTenant(store: PostgresEventStore, tenantId: string): Promise<LoadedTenant> {
  const recorded = await store.readStream(TENANT_STREAM_OWNER, tenantStreamName(tenantId));
  const state = recorded.reduce<TenantState>(
    (current, event) => evolve(current, { type: event.type, data: event.data } as TenantEvent),
    initialState(),
  );
  const last = recorded.at(-1);
  return {
    state,
    streamVersion: recorded.length,
    ...(last && { last: { eventId: last.eventId, correlationId: last.metadata.correlationId } }),
  };
}

/**
 * The events to append, with the platform as their tenant (the tenant's own id is in their data,
 * every snapshot carries it) and the caller's correlation, causation and actor.
 */
export function toNewEvents(
  events: readonly TenantEvent[],
  caller: Caller,
  occurredAt: string,
  newId: () => string,
): NewEvent[] {
  const metadata: EventMetadata = {
    tenantId: TENANT_STREAM_OWNER,
    correlationId: caller.correlationId,
    causationId: caller.causationId,
    actor: caller.actor,
    occurredAt,
    ...(caller.traceparent !== undefined && { traceparent: caller.traceparent }),
  };
  return events.map((event) => ({
    eventId: newId(),
    type: event.type,
    data: event.data,
    schemaVersion: messageDefinition('tenants', event.type).schemaVersion,
    metadata,
  }));
}
