import { randomUUID } from 'node:crypto';
import type { Queryable } from '../postgres/transaction';
import { webhookBody } from '../payload';
import type { EnqueuedDelivery, WebhookEvent } from '../webhook.types';

interface Sequenced {
  id: string;
  last_sequence: string;
}

/** The subscriptions of tenant `$1` that want events of type `$2`. */
function matchingSubscriptions(to: 'active' | 'retiring'): string {
  // 'retiring': the disabled subscriptions of a deleted tenant that still owe it its last webhook
  const which = to === 'active' ? 'disabled_at is null' : 'retire_when_drained';
  return `tenant_id = $1 and ${which} and ($2 = any(event_types) or '*' = any(event_types))`;
}

/**
 * Whether any subscription wants the event: one statement, no lock, no transaction. Most events
 * have no subscriber; those need nothing more. (A subscription created meanwhile would miss the
 * event as well had it come a moment later: there is no order between the two to keep.)
 */
export async function anySubscriptionWants(
  client: Queryable,
  s: string,
  tenantId: string,
  type: string,
  to: 'active' | 'retiring' = 'active',
): Promise<boolean> {
  const { rows } = await client.query<{ wanted: boolean }>(
    `select exists (select 1 from ${s}.subscriptions where ${matchingSubscriptions(to)}) as wanted`,
    [tenantId, type],
  );
  return rows[0]?.wanted === true;
}

/**
 * Which of many events any active subscription wants, in one statement: their indexes in `events`.
 * The batch form of {@link anySubscriptionWants}, for a consumer that reads events by the batch.
 */
export async function subscribedAmong(
  client: Queryable,
  s: string,
  events: readonly { readonly tenantId: string; readonly type: string }[],
): Promise<Set<number>> {
  if (events.length === 0) return new Set();
  const { rows } = await client.query<{ ord: string }>(
    `select w.ord from unnest($1::uuid[], $2::text[]) with ordinality as w (tenant_id, type, ord)
      where exists (select 1 from ${s}.subscriptions sub
                     where sub.tenant_id = w.tenant_id and sub.disabled_at is null
                       and (w.type = any(sub.event_types) or '*' = any(sub.event_types)))`,
    [events.map((event) => event.tenantId), events.map((event) => event.type)],
  );
  return new Set(rows.map((row) => Number(row.ord) - 1));
}

/**
 * Creates the event's deliveries; must run inside a transaction (`client`). `s` is the quoted schema.
 *
 * 1. Lock the tenant's active subscriptions that match the type, in id order so that concurrent
 *    enqueues cannot deadlock. Any other enqueue for them now waits for this transaction.
 * 2. In a new statement, which sees every delivery committed before the locks were granted, bump the
 *    counter of each subscription that has no delivery of this event yet: idempotent, and a number
 *    is only taken by a delivery that is inserted in the same transaction, hence gap-free.
 * 3. Insert the deliveries with their bodies, which carry the sequence numbers.
 */
export async function enqueueIn(
  client: Queryable,
  s: string,
  tenantId: string,
  event: WebhookEvent,
  occurredAt: string,
  now: Date,
  to: 'active' | 'retiring' = 'active',
): Promise<EnqueuedDelivery[]> {
  const matching = await client.query<{ id: string }>(
    `select id from ${s}.subscriptions where ${matchingSubscriptions(to)} order by id for update`,
    [tenantId, event.type],
  );
  if (matching.rows.length === 0) return [];

  const sequenced = await client.query<Sequenced>(
    `update ${s}.subscriptions sub set last_sequence = sub.last_sequence + 1
      where sub.id = any($1::uuid[])
        and not exists (select 1 from ${s}.deliveries d where d.subscription_id = sub.id and d.event_id = $2)
      returning sub.id, sub.last_sequence`,
    [matching.rows.map((row) => row.id), event.id],
  );
  if (sequenced.rows.length === 0) return [];

  const deliveries = sequenced.rows
    .map((row) => ({ deliveryId: randomUUID(), subscriptionId: row.id, sequence: Number(row.last_sequence) }))
    .sort((a, b) => a.subscriptionId.localeCompare(b.subscriptionId));
  const bodies = deliveries.map(({ sequence }) =>
    webhookBody({
      type: event.type,
      timestamp: occurredAt,
      data: event.data,
      sequence,
      tenantId,
      eventId: event.id,
    }),
  );
  await client.query(
    `insert into ${s}.deliveries
       (id, tenant_id, subscription_id, event_id, event_type, sequence, body, status, next_attempt_at,
        created_at, updated_at, traceparent)
     select u.id, $1, u.subscription_id, $2, $3, u.sequence, u.body, 'pending', $4, $4, $4, $9
       from unnest($5::uuid[], $6::uuid[], $7::bigint[], $8::text[]) as u (id, subscription_id, sequence, body)`,
    [
      tenantId,
      event.id,
      event.type,
      now,
      deliveries.map((d) => d.deliveryId),
      deliveries.map((d) => d.subscriptionId),
      deliveries.map((d) => d.sequence),
      bodies,
      event.traceparent ?? null,
    ],
  );
  return deliveries;
}
