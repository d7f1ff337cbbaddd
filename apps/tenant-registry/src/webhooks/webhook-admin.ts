import type { PoolClient } from 'pg';
import type { AuditEntry, JsonValue } from '@platform/audit';
import { tenantLabel } from '@platform/observability';
import { quotaRefusalsTotal } from '@platform/quotas';
import { WebhookFieldError, type WebhookDelivery, type WebhookSubscription } from '@platform/webhooks';
import type { Refusal } from '@platform/command-handling';
import { credentialsRefusal, webhookQuotaRefusal } from '../api-keys/api-key-rules';
import type { RegistryDatabase } from '../registry/registry-database';
import type { TenantRecord } from '../registry/tenant-record';
import type { Caller } from '../tenants/caller';
import { RefusedInTransaction } from '../tenants/refused-in-transaction';
import { joinTransaction } from './join-transaction';

export type WebhookOutcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly refusal: Refusal };

const notFound = (what: string, id: string): Refusal => ({
  kind: 'notFound',
  code: `${what}-not-found`,
  detail: `${what.replace('-', ' ')} ${id} not found`,
});

/**
 * A tenant's webhook subscriptions and dead letters, as operators and tenant admins manage them.
 * Each change runs in the transaction of its audit record (the webhooks lib joins it), so a change
 * whose record cannot be written does not happen.
 */
export class WebhookAdmin {
  constructor(private readonly db: RegistryDatabase) {}

  async subscribe(
    tenant: TenantRecord,
    input: { url: string; events: readonly string[]; secret?: string | undefined },
    caller: Caller,
  ): Promise<WebhookOutcome<WebhookSubscription>> {
    const closed = credentialsRefusal(tenant.status);
    if (closed) return { ok: false, refusal: closed };
    return this.audited(
      tenant.id,
      (created: WebhookSubscription) =>
        this.entry('webhook.create', tenant.id, created.id, null, view(created), caller),
      async (tx) => {
        const locked = await this.db.tenants.lock(tx, tenant.id);
        const { subscriptions } = this.db.webhooksOn(joinTransaction(tx));
        const refusal = webhookQuotaRefusal(
          locked?.plan ?? tenant.plan,
          (await subscriptions.list(tenant.id)).length,
        );
        if (refusal) {
          quotaRefusalsTotal.inc({ tenant: tenantLabel(tenant.id), quota: 'webhooks' });
          throw new RefusedInTransaction(refusal);
        }
        try {
          return await subscriptions.create(tenant.id, {
            url: input.url,
            events: input.events,
            ...(input.secret !== undefined && { secret: input.secret }),
          });
        } catch (error) {
          // The lib checks what it stores (an https URL to a public address, unless the operator's
          // allow-list names its host) and throws a TypeError on bad input: the caller's, here.
          if (!(error instanceof TypeError)) throw error;
          const path = error instanceof WebhookFieldError ? `/${error.field}` : '/';
          throw new RefusedInTransaction({
            kind: 'validation',
            code: 'webhook-invalid',
            detail: error.message,
            errors: [{ path, message: error.message }],
          });
        }
      },
    );
  }

  list(tenantId: string): Promise<WebhookSubscription[]> {
    return this.db.subscriptions.list(tenantId);
  }

  async unsubscribe(tenantId: string, webhookId: string, caller: Caller): Promise<WebhookOutcome<true>> {
    const known = await this.db.subscriptions.get(tenantId, webhookId);
    if (!known || known.disabledAt) return { ok: false, refusal: notFound('webhook', webhookId) };
    return this.audited(
      tenantId,
      () => this.entry('webhook.delete', tenantId, webhookId, view(known), null, caller),
      async (tx) => {
        const deleted = await this.db
          .webhooksOn(joinTransaction(tx))
          .subscriptions.delete(tenantId, webhookId);
        if (!deleted) throw new RefusedInTransaction(notFound('webhook', webhookId));
        return true as const;
      },
    );
  }

  deadLetters(tenantId: string): Promise<WebhookDelivery[]> {
    return this.db.queue.listDeadLetters(tenantId, { limit: 1000 });
  }

  async requeue(
    tenantId: string,
    deliveryId: string,
    caller: Caller,
  ): Promise<WebhookOutcome<WebhookDelivery>> {
    const before = await this.db.queue.getDelivery(tenantId, deliveryId);
    if (!before) return { ok: false, refusal: notFound('delivery', deliveryId) };
    return this.audited(
      tenantId,
      (after: WebhookDelivery) =>
        this.entry(
          'webhook.requeue',
          tenantId,
          deliveryId,
          deliveryView(before),
          deliveryView(after),
          caller,
          'delivery',
        ),
      async (tx) => {
        const result = await this.db.webhooksOn(joinTransaction(tx)).queue.requeue(tenantId, deliveryId, {
          actor: caller.actor,
        });
        if (result.ok) return result.delivery;
        throw new RefusedInTransaction(
          result.reason === 'not-found'
            ? notFound('delivery', deliveryId)
            : {
                kind: 'conflict',
                code: result.reason,
                detail: `delivery ${deliveryId} cannot be requeued: ${result.reason}`,
              },
        );
      },
    );
  }

  private async audited<T>(
    tenantId: string,
    entry: (result: T) => AuditEntry,
    change: (tx: PoolClient) => Promise<T>,
  ): Promise<WebhookOutcome<T>> {
    try {
      const { result } = await this.db.audit.withAudit(tenantId, entry, change);
      return { ok: true, value: result };
    } catch (error) {
      if (error instanceof RefusedInTransaction) return { ok: false, refusal: error.refusal };
      throw error;
    }
  }

  private entry(
    action: string,
    tenantId: string,
    id: string,
    previousState: JsonValue,
    newState: JsonValue,
    caller: Caller,
    kind = 'webhook',
  ): AuditEntry {
    return {
      actor: caller.actor,
      action,
      target: `tenant/${tenantId}/${kind}/${id}`,
      previousState,
      newState,
      requestId: caller.requestId,
      correlationId: caller.correlationId,
    };
  }
}

/** A subscription as it is listed and audited: never its secret. */
export function view(subscription: WebhookSubscription): { [key: string]: JsonValue } {
  return {
    id: subscription.id,
    url: subscription.url,
    events: [...subscription.events],
    createdAt: subscription.createdAt.toISOString(),
  };
}

export function deliveryView(delivery: WebhookDelivery): { [key: string]: JsonValue } {
  return {
    id: delivery.id,
    subscriptionId: delivery.subscriptionId,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    sequence: delivery.sequence,
    status: delivery.status,
    attempts: delivery.attempts,
    round: delivery.round,
    nextAttemptAt: delivery.nextAttemptAt.toISOString(),
    ...(delivery.lastStatusCode !== undefined && { lastStatusCode: delivery.lastStatusCode }),
    ...(delivery.lastError !== undefined && { lastError: delivery.lastError }),
    createdAt: delivery.createdAt.toISOString(),
    updatedAt: delivery.updatedAt.toISOString(),
  };
}
