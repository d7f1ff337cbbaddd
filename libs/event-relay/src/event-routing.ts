import {
  ceTypeOf,
  findMessageDefinition,
  messageRegistry,
  type MessageDefinition,
} from '@platform/contracts';
import type { GlobalEvent } from '@platform/event-store';

/** Where one event goes: its base topic (no prefix) and its `ce_type`. */
export interface EventRoute {
  readonly topic: string;
  readonly ceType: string;
}

/** Finds an event's route; `undefined` for an event the relay does not publish (it is skipped). */
export type EventRouter = (event: GlobalEvent) => EventRoute | undefined;

const eventsByName = new Map<string, MessageDefinition[]>();
for (const definition of messageRegistry) {
  if (definition.kind !== 'event') continue;
  eventsByName.set(definition.name, [...(eventsByName.get(definition.name) ?? []), definition]);
}

/**
 * The contracts registry's route: the store records an event's bare type (`OrderCreated`), the
 * registry names it `<context>.<EventType>` and gives its topic. A type recorded with its context
 * (`orders.OrderCreated`) is looked up as is. An event type the registry does not know, or knows in
 * more than one context, has no route: the relay skips it (metric `event_relay_events_total
 * {outcome="skipped"}` and a warning per type) rather than guess a topic.
 */
export const routeByRegistry: EventRouter = (event) => {
  const definition = event.type.includes('.')
    ? findMessageDefinition(event.type)
    : onlyOne(eventsByName.get(event.type));
  if (definition?.kind !== 'event') return undefined;
  return { topic: definition.topic, ceType: ceTypeOf(definition) };
};

const onlyOne = <T>(items: readonly T[] | undefined): T | undefined =>
  items?.length === 1 ? items[0] : undefined;
