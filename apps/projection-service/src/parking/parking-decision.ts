import { aggregateKey, eventKey, type ParkedLookup } from '@platform/read-models';

/**
 * What the projection does with one incoming message: apply it, park it behind its parked
 * aggregate, or nothing (it is parked already: a redelivery).
 */
export type ParkingDecision = 'apply' | 'park' | 'already-parked';

/** What the decision needs to know of a message. */
export interface IncomingMessage {
  readonly tenantId: string;
  /** The Kafka key (the aggregate id). */
  readonly key: string;
  /** `ce_id`. */
  readonly eventId: string;
}

/**
 * The parking rule, pure: a message already parked (same tenant and `ce_id`) is left alone; a
 * message of a parked aggregate (same tenant and key: the same order id in another tenant is
 * another aggregate) is parked behind it; anything else is applied. Decided per message, in input
 * order; a `ce_id` twice in the input is parked once.
 */
export function decideParking(parked: ParkedLookup, messages: readonly IncomingMessage[]): ParkingDecision[] {
  const parkedIds = new Set(parked.eventIds);
  return messages.map((message) => {
    const id = eventKey(message.tenantId, message.eventId);
    if (parkedIds.has(id)) return 'already-parked';
    if (!parked.aggregates.has(aggregateKey(message.tenantId, message.key))) return 'apply';
    parkedIds.add(id);
    return 'park';
  });
}
