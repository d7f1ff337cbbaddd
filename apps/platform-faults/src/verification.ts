import { Kafka, logLevel } from 'kafkajs';
import type { Pool } from 'pg';
import type { OrderEvent } from '@platform/contracts';
import { projectOrders, type OrderEventAt, type OrderRow } from '@platform/read-models';

/** One event of the store, as the checks need it. */
export interface StoredEvent {
  readonly tenantId: string;
  readonly orderId: string;
  readonly eventId: string;
  readonly event: OrderEvent;
  readonly version: number;
  readonly position: number;
  readonly occurredAt: string;
}

/** Every order event of these tenants in the event store, in global order. */
export async function storedOrderEvents(pool: Pool, tenantIds: readonly string[]): Promise<StoredEvent[]> {
  const { rows } = await pool.query<{
    tenant_id: string;
    event_id: string;
    event_type: string;
    data: Record<string, unknown>;
    stream_version: string;
    global_position: string;
    occurred_at: string;
  }>(
    `select tenant_id, event_id, event_type, data, stream_version, global_position,
            metadata->>'occurredAt' as occurred_at
       from event_store.events
      where tenant_id = any($1::uuid[]) and stream_name like 'order-%'
      order by global_position`,
    [tenantIds],
  );
  return rows.map((row) => ({
    tenantId: row.tenant_id,
    orderId: String(row.data['orderId']),
    eventId: row.event_id,
    event: { type: row.event_type, data: row.data } as OrderEvent,
    version: Number(row.stream_version),
    position: Number(row.global_position),
    occurredAt: row.occurred_at,
  }));
}

/** How many times each sku was added, over the stored events. */
export function itemCountsBySku(events: readonly StoredEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { event } of events) {
    if (event.type === 'OrderItemAdded') counts.set(event.data.sku, (counts.get(event.data.sku) ?? 0) + 1);
  }
  return counts;
}

/** The read model a fresh rebuild from the store would hold: one row per order, keyed `tenant/order`. */
export function rebuiltOrders(events: readonly StoredEvent[]): Map<string, OrderRow> {
  const byTenant = new Map<string, OrderEventAt[]>();
  for (const stored of events) {
    const list = byTenant.get(stored.tenantId) ?? [];
    list.push({
      event: stored.event,
      meta: { occurredAt: stored.occurredAt, version: stored.version, position: stored.position },
    });
    byTenant.set(stored.tenantId, list);
  }
  const rows = new Map<string, OrderRow>();
  for (const [tenantId, list] of byTenant) {
    for (const row of projectOrders(new Map(), list).changed) rows.set(`${tenantId}/${row.id}`, row);
  }
  return rows;
}

/** Kafka's copy of the events: each `ce_id` on the topic and how often it was delivered there. */
export async function eventIdsOnTopic(
  brokers: readonly string[],
  topic: string,
): Promise<Map<string, number>> {
  const kafka = new Kafka({
    clientId: 'fault-suite-check',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(ends.map((end) => [end.partition, Number(end.high)]));
  for (const [partition, high] of remaining) if (high === 0) remaining.delete(partition);
  const seen = new Map<string, number>();
  if (remaining.size === 0) return seen;
  const consumer = kafka.consumer({ groupId: `fault-suite-check-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not read ${topic} to its end in 60 s`)), 60_000);
    consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          const id = message.headers?.['ce_id']?.toString();
          if (id !== undefined) seen.set(id, (seen.get(id) ?? 0) + 1);
          if (Number(message.offset) + 1 >= (remaining.get(partition) ?? Infinity))
            remaining.delete(partition);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return seen;
}
