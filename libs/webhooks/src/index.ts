/**
 * Outgoing webhooks for tenants (contract section 7): subscriptions, a PostgreSQL outbox with
 * per-subscription sequence numbers, and a dispatcher that signs (Standard Webhooks), retries with
 * exponential backoff and full jitter, logs every attempt and dead-letters what keeps failing.
 *
 * @example
 * await migrateWebhooks(pool); // once per deploy; idempotent
 * const egress = new WebhookEgress({ allowedHosts: process.env.WEBHOOK_ALLOWED_HOSTS }); // https, public addresses only
 * const subscriptions = new WebhookSubscriptions({ pool, egress });
 * const queue = new WebhookQueue({ pool, logger });
 * const dispatcher = new WebhookDispatcher({ pool, logger, egress });
 *
 * const { id, secret } = await subscriptions.create(tenantId, { url, events: ['tenant.suspended'] });
 * await queue.enqueue(tenantId, { id: eventId, type: 'tenant.suspended', data, occurredAt });
 * dispatcher.start(); // POSTs {type, timestamp, data, sequence, tenantId, eventId} with
 * //                     webhook-id, webhook-timestamp, webhook-signature, webhook-sequence
 * await queue.listDeadLetters(tenantId, { subscriptionId: id });
 * await dispatcher.stop();
 *
 * @packageDocumentation
 */
export type {
  AttemptOutcome,
  DeliveryStatus,
  EnqueuedDelivery,
  NewWebhookSubscription,
  RequeueResult,
  WebhookAttempt,
  WebhookDelivery,
  WebhookEvent,
  WebhookPayload,
  WebhookSubscription,
} from './webhook.types';
export { type Clock, type Random, systemClock, mathRandom } from './clock';
export { type BackoffPolicy, DEFAULT_BACKOFF, backoffCeilingMs, retryDelayMs } from './backoff';
export { generateWebhookSecret, signatureHeaders, type SignatureHeaders } from './signing';
export type { WebhookLogger, WebhookStoreOptions } from './store-options';
export { migrateWebhooks } from './postgres/migrate';
export { DEFAULT_SCHEMA as DEFAULT_WEBHOOKS_SCHEMA } from './postgres/schema.sql';
export {
  WebhookSubscriptions,
  type WebhookSubscriptionsOptions,
} from './subscriptions/webhook-subscriptions';
export {
  WebhookEgress,
  WebhookAddressRefused,
  systemResolver,
  type ResolvedAddress,
  type Resolver,
  type WebhookEgressOptions,
} from './egress/webhook-egress';
export { type AllowedHost, parseAllowedHosts } from './egress/allowed-hosts';
export { type RefusedAddressKind, refusedAddressKind } from './egress/address-ranges';
export { type UrlVerdict, checkWebhookUrl } from './egress/webhook-url-policy';
export { WebhookFieldError } from './guards';
export { WebhookQueue, type WebhookQueueOptions, type ListDeliveriesOptions } from './queue/webhook-queue';
export { WebhookDispatcher, type WebhookDispatcherOptions } from './dispatcher/webhook-dispatcher';
