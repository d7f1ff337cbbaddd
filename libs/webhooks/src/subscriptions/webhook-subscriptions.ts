import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { type Clock, systemClock } from '../clock';
import { assertTenantId, checkNewSubscription, isId } from '../guards';
import { DEFAULT_SCHEMA, quoted } from '../postgres/schema.sql';
import { SUBSCRIPTION_COLUMNS, type SubscriptionRow, toSubscription } from '../postgres/rows';
import { inTransaction } from '../postgres/transaction';
import { generateWebhookSecret } from '../signing';
import type { WebhookStoreOptions } from '../store-options';
import { WebhookEgress } from '../egress/webhook-egress';
import type { NewWebhookSubscription, WebhookSubscription } from '../webhook.types';

export interface WebhookSubscriptionsOptions extends WebhookStoreOptions {
  /** Which URLs are accepted (its allow-list of hosts); default: none allow-listed. */
  readonly egress?: WebhookEgress;
}

/**
 * A tenant's webhook subscriptions. Every method takes the tenant and only ever sees its rows: another
 * tenant's subscription is "not found".
 *
 * @example
 * const subscriptions = new WebhookSubscriptions({ pool });
 * const sub = await subscriptions.create(tenantId, {
 *   url: 'https://example.com/hooks',
 *   events: ['tenant.suspended', 'tenant.resumed'],
 * });
 * // show sub.secret to the tenant once: its receiver verifies signatures with it
 * await subscriptions.delete(tenantId, sub.id); // soft: kept, disabledAt set, pending deliveries cancelled
 */
export class WebhookSubscriptions {
  private readonly pool: Pool;
  private readonly s: string;
  private readonly clock: Clock;
  private readonly egress: WebhookEgress;

  constructor(options: WebhookSubscriptionsOptions) {
    this.pool = options.pool;
    this.s = quoted(options.schema ?? DEFAULT_SCHEMA);
    this.clock = options.clock ?? systemClock;
    this.egress = options.egress ?? new WebhookEgress();
  }

  /**
   * Stores a new subscription; generates its secret unless one is given. Throws a TypeError on bad
   * input (a `WebhookFieldError` naming the field): a URL that is not `https`, or whose host is an
   * address webhooks may not reach, unless the egress allow-list names its host.
   */
  async create(tenantId: string, input: NewWebhookSubscription): Promise<WebhookSubscription> {
    assertTenantId(tenantId);
    const events = checkNewSubscription(input, this.egress.allowedHosts);
    const { rows } = await this.pool.query<SubscriptionRow>(
      `insert into ${this.s}.subscriptions (id, tenant_id, url, event_types, secret, created_at)
       values ($1, $2, $3, $4, $5, $6) returning ${SUBSCRIPTION_COLUMNS}`,
      [randomUUID(), tenantId, input.url, events, input.secret ?? generateWebhookSecret(), this.clock.now()],
    );
    return toSubscription(rows[0] as SubscriptionRow);
  }

  /** The tenant's subscriptions, oldest first; deleted ones only with `includeDisabled`. */
  async list(tenantId: string, options: { includeDisabled?: boolean } = {}): Promise<WebhookSubscription[]> {
    assertTenantId(tenantId);
    const { rows } = await this.pool.query<SubscriptionRow>(
      `select ${SUBSCRIPTION_COLUMNS} from ${this.s}.subscriptions
        where tenant_id = $1 and ($2 or disabled_at is null)
        order by created_at, id`,
      [tenantId, options.includeDisabled === true],
    );
    return rows.map(toSubscription);
  }

  /** The subscription, deleted or not; `undefined` if the tenant has none with this id. */
  async get(tenantId: string, id: string): Promise<WebhookSubscription | undefined> {
    assertTenantId(tenantId);
    if (!isId(id)) return undefined;
    const { rows } = await this.pool.query<SubscriptionRow>(
      `select ${SUBSCRIPTION_COLUMNS} from ${this.s}.subscriptions where tenant_id = $1 and id = $2`,
      [tenantId, id],
    );
    return rows[0] && toSubscription(rows[0]);
  }

  /**
   * Soft delete: sets `disabledAt` and cancels the subscription's pending deliveries, in one
   * transaction. Returns false if the tenant has no such active subscription.
   */
  async delete(tenantId: string, id: string): Promise<boolean> {
    assertTenantId(tenantId);
    if (!isId(id)) return false;
    const now = this.clock.now();
    return inTransaction(this.pool, async (client) => {
      const disabled = await client.query(
        `update ${this.s}.subscriptions set disabled_at = $3
          where tenant_id = $1 and id = $2 and disabled_at is null`,
        [tenantId, id, now],
      );
      if (disabled.rowCount !== 1) return false;
      await client.query(
        `update ${this.s}.deliveries set status = 'cancelled', claim_token = null, updated_at = $3
          where tenant_id = $1 and subscription_id = $2 and status = 'pending'`,
        [tenantId, id, now],
      );
      return true;
    });
  }
}
