import { fieldErrors, findMessageDefinition, type OrderEvent } from '@platform/contracts';
import { NonRetriableError, type ConsumedMessage } from '@platform/messaging';
import type { OrderEventToApply } from '@platform/read-models';

/**
 * The order event a message carries, or a {@link NonRetriableError} (the message is then parked
 * and dead-lettered). Also what a replay of a parked message goes through again: a fix here (an
 * upcaster, a looser schema) is what lets a parked message apply.
 */
export function toEventToApply(message: ConsumedMessage): OrderEventToApply {
  const { attributes } = message;
  const definition = findMessageDefinition(attributes.type);
  if (!definition || definition.kind !== 'event' || definition.context !== 'orders') {
    throw new NonRetriableError(`not an order event: ${attributes.type}`);
  }
  const data = definition.schema.safeParse(message.value);
  if (!data.success) {
    throw new NonRetriableError(
      `${definition.name} is not valid: ${JSON.stringify(fieldErrors(data.error))}`,
    );
  }
  if (attributes.sequence === undefined) throw new NonRetriableError('order event without ce_sequence');
  return {
    eventId: attributes.id,
    event: { type: definition.name, data: data.data } as OrderEvent,
    occurredAt: attributes.time,
    version: attributes.sequence,
    ...(attributes.position !== undefined && { position: attributes.position }),
  };
}
