import type { CloudEventAttributes } from '@platform/contracts';
import type { ConsumedMessage } from '@platform/messaging';
import type { MessageToPark, ParkedMessage } from '@platform/read-models';

/** What is kept of a consumed message to park it and hand it to the projection again. */
export function toParked(message: ConsumedMessage): MessageToPark {
  const { attributes } = message;
  return {
    tenantId: attributes.tenantId,
    aggregateId: message.key,
    eventId: attributes.id,
    type: attributes.type,
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    attributes,
    value: message.value,
  };
}

/** A parked message as the projection consumes it. */
export function toConsumed(parked: ParkedMessage): ConsumedMessage {
  return {
    topic: parked.topic,
    partition: parked.partition,
    offset: parked.offset,
    key: parked.aggregateId,
    value: parked.value,
    attributes: parked.attributes as CloudEventAttributes,
  };
}
