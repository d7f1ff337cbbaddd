import {
  messageDefinition,
  orderStreamName,
  type OrderCommand,
  type OrderEvent,
  type ProblemData,
} from '@platform/contracts';
import {
  WrongExpectedVersionError,
  type EventMetadata,
  type EventStore,
  type NewEvent,
} from '@platform/event-store';
import { decide, evolve, initialState, type OrderState } from '@platform/orders-domain';

export interface CommandMetadata {
  readonly tenantId: string;
  readonly correlationId: string;
  /** The command's own id: the cause of the events it produces. */
  readonly causationId: string;
  readonly actor: string;
  readonly now: () => string;
  readonly newId: () => string;
  readonly traceparent?: string;
}

/**
 * The command's result: on success, the order's version and the global position of its last event
 * (what the requester gets back). The events themselves reach Kafka through the event relay.
 */
export type CommandOutcome =
  | {
      readonly ok: true;
      readonly orderId: string;
      readonly version: number;
      readonly position: number;
    }
  | { readonly ok: false; readonly problem: ProblemData };

const MAX_CONFLICT_RETRIES = 3;

/**
 * Load, decide, append: the application service of the Order aggregate. A concurrent writer
 * (wrong expected version) makes it re-read and decide again, a few times at most.
 */
export async function handleOrderCommand(
  store: EventStore,
  command: OrderCommand,
  meta: CommandMetadata,
): Promise<CommandOutcome> {
  const stream = orderStreamName(command.data.orderId);
  for (let attempt = 1; ; attempt++) {
    const recorded = await store.readStream(meta.tenantId, stream);
    const state = recorded.reduce<OrderState>(
      (s, e) => evolve(s, { type: e.type, data: e.data } as OrderEvent),
      initialState(),
    );
    const decision = decide(command, state);
    if (!decision.ok) {
      return { ok: false, problem: { kind: decision.rejection.kind, detail: decision.rejection.detail } };
    }
    const occurredAt = meta.now();
    const metadata: EventMetadata = {
      tenantId: meta.tenantId,
      correlationId: meta.correlationId,
      causationId: meta.causationId,
      actor: meta.actor,
      occurredAt,
      ...(meta.traceparent !== undefined && { traceparent: meta.traceparent }),
    };
    const newEvents: NewEvent[] = decision.events.map((event) => ({
      eventId: meta.newId(),
      type: event.type,
      data: event.data,
      schemaVersion: messageDefinition('orders', event.type).schemaVersion,
      metadata,
    }));
    try {
      const result = await store.appendToStream(meta.tenantId, stream, newEvents, {
        expectedVersion: recorded.length === 0 ? 'no-stream' : recorded.length,
      });
      return {
        ok: true,
        orderId: command.data.orderId,
        version: result.nextExpectedVersion,
        position: result.lastPosition,
      };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError && attempt < MAX_CONFLICT_RETRIES) continue;
      if (error instanceof WrongExpectedVersionError) {
        return { ok: false, problem: { kind: 'conflict', detail: 'the order changed concurrently; retry' } };
      }
      throw error;
    }
  }
}
