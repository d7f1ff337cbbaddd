import { randomUUID } from 'node:crypto';
import type { Event } from '@event-driven-io/emmett';
import type { NewEvent } from '@platform/event-store';

// One event shape for both stores: the same data, and the same context as metadata (~420 bytes of
// JSON per event). Our store takes the tenant as a column and the event id from the caller; Emmett
// has no tenant (it goes in its metadata like the rest) and draws the message id itself.

export const EVENT_TYPE = 'OrderItemAdded';

export interface ItemAdded extends Record<string, unknown> {
  orderId: string;
  sku: string;
  quantity: number;
  unitPriceCents: number;
  currency: string;
  note: string;
}

export interface Context extends Record<string, unknown> {
  tenantId: string;
  correlationId: string;
  causationId: string;
  actor: string;
  occurredAt: string;
  traceparent: string;
}

export type EmmettItemAdded = Event<typeof EVENT_TYPE, ItemAdded, Context>;

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

export function itemAdded(streamName: string, index: number): ItemAdded {
  return {
    orderId: streamName,
    sku: `SKU-${(index % 9000) + 1000}`,
    quantity: (index % 5) + 1,
    unitPriceCents: 1999,
    currency: 'EUR',
    note: 'added by the benchmark',
  };
}

export function context(tenantId: string): Context {
  const id = randomUUID();
  return {
    tenantId,
    correlationId: id,
    causationId: id,
    actor: 'user:bench',
    occurredAt: new Date().toISOString(),
    traceparent: TRACEPARENT,
  };
}

/** `count` events for our store, numbered from `first`. */
export function ourEvents(tenantId: string, streamName: string, first: number, count: number): NewEvent[] {
  const metadata = context(tenantId);
  return Array.from({ length: count }, (_, i) => ({
    eventId: randomUUID(),
    type: EVENT_TYPE,
    data: itemAdded(streamName, first + i),
    schemaVersion: 1,
    metadata,
  }));
}

/** The same `count` events for Emmett. */
export function emmettEvents(
  tenantId: string,
  streamName: string,
  first: number,
  count: number,
): EmmettItemAdded[] {
  const metadata = context(tenantId);
  return Array.from({ length: count }, (_, i) => ({
    type: EVENT_TYPE,
    data: itemAdded(streamName, first + i),
    metadata,
  }));
}

/** The aggregate folded by the read scenarios: how many items, how many units. */
export interface OrderState {
  events: number;
  units: number;
}

export const initialOrder = (): OrderState => ({ events: 0, units: 0 });

export function evolveOrder(state: OrderState, data: unknown): OrderState {
  const quantity = (data as Partial<ItemAdded> | null)?.quantity ?? 0;
  return { events: state.events + 1, units: state.units + quantity };
}
