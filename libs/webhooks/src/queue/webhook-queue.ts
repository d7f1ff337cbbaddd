import type { Pool } from 'pg';
import { type Clock, systemClock } from '../clock';
import { assertTenantId, checkEvent, isId } from '../guards';
import {
  ATTEMPT_COLUMNS,
  type AttemptRow,
  DELIVERY_COLUMNS,
  type DeliveryRow,
  toAttempt,
  toDelivery,
} from '../postgres/rows';
import { DEFAULT_SCHEMA, quoted } from '../postgres/schema.sql';
import { type Queryable, inTransaction } from '../postgres/transaction';
import { type WebhookLogger, type WebhookStoreOptions, silentLogger } from '../store-options';
import type {
  DeliveryStatus,
  EnqueuedDelivery,
  RequeueResult,
  WebhookAttempt,
  WebhookDelivery,
  WebhookEvent,
} from '../webhook.types';
import { anySubscriptionWants, enqueueIn, subscribedAmong } from './enqueue';

export interface WebhookQueueOptions extends WebhookStoreOptions {
  /** Requeues are logged here (and in the `requeues` table). */
  readonly logger?: WebhookLogger;
}

export interface ListDeliveriesOptions {
  readonly subscriptionId?: string;
  readonly status?: DeliveryStatus;
  /** At most this many, oldest first; default 100, at most 1000. */
  readonly limit?: number;
}

const MAX_LIST = 1000;

/**
 * The webhooks outbox in PostgreSQL: enqueue events, inspect deliveries and their attempts, requeue
 * dead letters. Every method takes the tenant and never shows or touches another tenant's rows.
 *
 * @example
 * const queue = new WebhookQueue({ pool });
 * // in the transaction that records the change, so the webhook is sent if and only if it commits:
 * await queue.enqueue(tenantId, { id: eventId, type: 'tenant.suspended', data, occurredAt }, { client });
 *
 * // operator tooling
 * const dead = await queue.listDeadLetters(tenantId, { subscriptionId });
 * const attempts = await queue.listAttempts(tenantId, dead[0].id); // status codes, errors, latencies
 * const result = await queue.requeue(tenantId, dead[0].id, { actor: 'user:ops@example.com' });
 * if (!result.ok) console.log(result.reason); // 'not-found' | 'not-dead' | 'subscription-disabled'
 */
export class WebhookQueue {
  private readonly pool: Pool;
  private readonly s: string;
  private readonly clock: Clock;
  private readonly logger: WebhookLogger;

  constructor(options: WebhookQueueOptions) {
    this.pool = options.pool;
    this.s = quoted(options.schema ?? DEFAULT_SCHEMA);
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * Creates one pending delivery per active subscription of the tenant that wants `event.type`, each
   * with the next sequence number of its subscription, due now. Idempotent per (subscription, event
   * id): a repeat creates nothing and returns `[]`. Runs in its own transaction, or in the caller's
   * when `client` (inside an open transaction) is given: the outbox pattern. Throws a TypeError on
   * bad input.
   */
  async enqueue(
    tenantId: string,
    event: WebhookEvent,
    options: { client?: Queryable } = {},
  ): Promise<EnqueuedDelivery[]> {
    return this.enqueueTo('active', tenantId, event, options);
  }

  /**
   * {@link enqueue} for many events of possibly several tenants, in order: one statement finds the
   * events some subscription wants (most have none), and each of those is enqueued as `enqueue`
   * does. Returns the deliveries created.
   */
  async enqueueAll(
    events: readonly { readonly tenantId: string; readonly event: WebhookEvent }[],
  ): Promise<EnqueuedDelivery[]> {
    for (const { tenantId, event } of events) {
      assertTenantId(tenantId);
      checkEvent(event);
    }
    const wanted = await subscribedAmong(
      this.pool,
      this.s,
      events.map(({ tenantId, event }) => ({ tenantId, type: event.type })),
    );
    const created: EnqueuedDelivery[] = [];
    for (const [index, { tenantId, event }] of events.entries()) {
      if (!wanted.has(index)) continue;
      const occurredAt = checkEvent(event);
      const now = this.clock.now();
      created.push(
        ...(await inTransaction(this.pool, (client) =>
          enqueueIn(client, this.s, tenantId, event, occurredAt, now, 'active'),
        )),
      );
    }
    return created;
  }

  /**
   * The last webhook of a deleted tenant: enqueues `event` (its deletion) to the subscriptions that
   * {@link retireTenant} kept for it, and only to those. Same idempotence and transaction rules as
   * {@link enqueue}; the dispatcher removes each subscription once its deliveries are done.
   */
  async enqueueFarewell(
    tenantId: string,
    event: WebhookEvent,
    options: { client?: Queryable } = {},
  ): Promise<EnqueuedDelivery[]> {
    return this.enqueueTo('retiring', tenantId, event, options);
  }

  async getDelivery(tenantId: string, deliveryId: string): Promise<WebhookDelivery | undefined> {
    assertTenantId(tenantId);
    if (!isId(deliveryId)) return undefined;
    const { rows } = await this.pool.query<DeliveryRow>(
      `select ${DELIVERY_COLUMNS} from ${this.s}.deliveries where tenant_id = $1 and id = $2`,
      [tenantId, deliveryId],
    );
    return rows[0] && toDelivery(rows[0]);
  }

  /** The tenant's deliveries, oldest first, optionally of one subscription and/or in one status. */
  async listDeliveries(tenantId: string, options: ListDeliveriesOptions = {}): Promise<WebhookDelivery[]> {
    assertTenantId(tenantId);
    if (options.subscriptionId !== undefined && !isId(options.subscriptionId)) return [];
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? 100), 1), MAX_LIST);
    const { rows } = await this.pool.query<DeliveryRow>(
      `select ${DELIVERY_COLUMNS} from ${this.s}.deliveries
        where tenant_id = $1 and ($2::uuid is null or subscription_id = $2) and ($3::text is null or status = $3)
        order by created_at, subscription_id, sequence
        limit $4`,
      [tenantId, options.subscriptionId ?? null, options.status ?? null, limit],
    );
    return rows.map(toDelivery);
  }

  /** The dead-letter list: deliveries whose last attempt failed, waiting for an operator. */
  async listDeadLetters(
    tenantId: string,
    options: Omit<ListDeliveriesOptions, 'status'> = {},
  ): Promise<WebhookDelivery[]> {
    return this.listDeliveries(tenantId, { ...options, status: 'dead' });
  }

  /** Every attempt of the delivery, in order, across requeue rounds; `[]` for another tenant's. */
  async listAttempts(tenantId: string, deliveryId: string): Promise<WebhookAttempt[]> {
    assertTenantId(tenantId);
    if (!isId(deliveryId)) return [];
    const { rows } = await this.pool.query<AttemptRow>(
      `select ${ATTEMPT_COLUMNS} from ${this.s}.attempts
        where tenant_id = $1 and delivery_id = $2
        order by round, attempt_no`,
      [tenantId, deliveryId],
    );
    return rows.map(toAttempt);
  }

  /**
   * Puts a dead letter back in the queue: pending, due now, attempts reset, a new round. Recorded in
   * the `requeues` table and logged. Refusals are values, not exceptions.
   */
  async requeue(
    tenantId: string,
    deliveryId: string,
    options: { actor?: string } = {},
  ): Promise<RequeueResult> {
    assertTenantId(tenantId);
    if (!isId(deliveryId)) return { ok: false, reason: 'not-found' };
    const actor = options.actor ?? 'unknown';
    const now = this.clock.now();
    const result = await inTransaction(this.pool, async (client): Promise<RequeueResult> => {
      const found = await client.query<{ status: DeliveryStatus; disabled: boolean }>(
        `select d.status, sub.disabled_at is not null as disabled
           from ${this.s}.deliveries d join ${this.s}.subscriptions sub on sub.id = d.subscription_id
          where d.tenant_id = $1 and d.id = $2
          for update of d`,
        [tenantId, deliveryId],
      );
      const current = found.rows[0];
      if (!current) return { ok: false, reason: 'not-found' };
      if (current.status !== 'dead') return { ok: false, reason: 'not-dead' };
      if (current.disabled) return { ok: false, reason: 'subscription-disabled' };
      await client.query(
        `insert into ${this.s}.requeues
           (delivery_id, tenant_id, actor, previous_round, previous_attempts, requeued_at)
         select id, tenant_id, $3, round, attempts, $4 from ${this.s}.deliveries where tenant_id = $1 and id = $2`,
        [tenantId, deliveryId, actor, now],
      );
      const { rows } = await client.query<DeliveryRow>(
        `update ${this.s}.deliveries
            set status = 'pending', round = round + 1, attempts = 0, next_attempt_at = $3, claim_token = null,
                updated_at = $3
          where tenant_id = $1 and id = $2
          returning ${DELIVERY_COLUMNS}`,
        [tenantId, deliveryId, now],
      );
      return { ok: true, delivery: toDelivery(rows[0] as DeliveryRow) };
    });
    if (result.ok) {
      const { round, subscriptionId } = result.delivery;
      this.logger.info({ tenantId, deliveryId, subscriptionId, round, actor }, 'webhook delivery requeued');
    }
    return result;
  }

  /** Deletes every webhook row of the tenant (for tenant deletion); returns how many of each went. */
  /**
   * Purges a tenant that is being deleted, except what its last webhook needs: its deliveries (dead
   * letters included), their attempts and requeues, and every subscription that does not want
   * `lastEventType` go now; those that do are disabled (no event reaches them any more but the one
   * {@link enqueueFarewell} sends) and marked to be removed, with their deliveries, as soon as none is
   * pending. Idempotent. `subscriptions` counts the removed ones, `retiring` the kept ones.
   */
  async retireTenant(
    tenantId: string,
    lastEventType: string,
  ): Promise<{
    subscriptions: number;
    retiring: number;
    deliveries: number;
    attempts: number;
    requeues: number;
  }> {
    assertTenantId(tenantId);
    return inTransaction(this.pool, async (client) => {
      const { attempts, requeues, deliveries } = await this.purgeDeliveries(client, tenantId);
      const removed = await client.query(
        `delete from ${this.s}.subscriptions
          where tenant_id = $1 and not ($2 = any(event_types) or '*' = any(event_types))`,
        [tenantId, lastEventType],
      );
      const retired = await client.query(
        `update ${this.s}.subscriptions
            set disabled_at = coalesce(disabled_at, $2), retire_when_drained = true
          where tenant_id = $1`,
        [tenantId, this.clock.now()],
      );
      return {
        subscriptions: removed.rowCount ?? 0,
        retiring: retired.rowCount ?? 0,
        deliveries,
        attempts,
        requeues,
      };
    });
  }

  async purgeTenant(
    tenantId: string,
  ): Promise<{ subscriptions: number; deliveries: number; attempts: number; requeues: number }> {
    assertTenantId(tenantId);
    return inTransaction(this.pool, async (client) => {
      const { attempts, requeues, deliveries } = await this.purgeDeliveries(client, tenantId);
      const subscriptions = await this.deleteRows(client, 'subscriptions', tenantId);
      return { subscriptions, deliveries, attempts, requeues };
    });
  }

  /** Deletes a tenant's attempts, requeues and deliveries (in that order); how many of each. */
  private async purgeDeliveries(
    client: Queryable,
    tenantId: string,
  ): Promise<{ attempts: number; requeues: number; deliveries: number }> {
    const attempts = await this.deleteRows(client, 'attempts', tenantId);
    const requeues = await this.deleteRows(client, 'requeues', tenantId);
    const deliveries = await this.deleteRows(client, 'deliveries', tenantId);
    return { attempts, requeues, deliveries };
  }

  private async deleteRows(client: Queryable, table: string, tenantId: string): Promise<number> {
    return (
      (await client.query(`delete from ${this.s}.${table} where tenant_id = $1`, [tenantId])).rowCount ?? 0
    );
  }

  private async enqueueTo(
    to: 'active' | 'retiring',
    tenantId: string,
    event: WebhookEvent,
    options: { client?: Queryable },
  ): Promise<EnqueuedDelivery[]> {
    assertTenantId(tenantId);
    const occurredAt = checkEvent(event);
    const now = this.clock.now();
    const work = (client: Queryable) => enqueueIn(client, this.s, tenantId, event, occurredAt, now, to);
    if (options.client) return work(options.client);
    // the common case, an event nobody subscribed to: one statement instead of a transaction
    if (!(await anySubscriptionWants(this.pool, this.s, tenantId, event.type, to))) return [];
    return inTransaction(this.pool, work);
  }
}
