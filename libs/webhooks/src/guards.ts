import { isUuid } from '@platform/contracts';
import type { AllowedHost } from './egress/allowed-hosts';
import { checkWebhookUrl } from './egress/webhook-url-policy';
import { assertWebhookSecret } from './signing';
import type { NewWebhookSubscription, WebhookEvent } from './webhook.types';

// Argument checks, run before the database is touched. Each throws a TypeError: a wrong argument is
// a bug in the caller, not an expected outcome.

export const WILDCARD_EVENT = '*';
const MAX_NAME_LENGTH = 200;

export function assertTenantId(tenantId: unknown): asserts tenantId is string {
  if (!isUuid(tenantId)) throw new TypeError(`tenantId must be a UUID; got ${JSON.stringify(tenantId)}`);
}

/** Ids are UUIDs; anything else cannot exist, so lookups answer "not found" without a query. */
export const isId = (value: unknown): value is string => isUuid(value);

const isName = (value: unknown): value is string =>
  typeof value === 'string' && value.trim() !== '' && value.length <= MAX_NAME_LENGTH;

/** A field of a new subscription that is refused; `field` names it (`url`, `events`, `secret`). */
export class WebhookFieldError extends TypeError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookFieldError';
  }
}

/**
 * An absolute `https` URL without credentials, whose host is not an address webhooks may not reach
 * (loopback, private …, see `checkWebhookUrl`); `http` and any address only for a host of `allowed`.
 */
export function assertWebhookUrl(url: unknown, allowed: readonly AllowedHost[] = []): asserts url is string {
  const verdict = checkWebhookUrl(url, allowed);
  if (!verdict.ok) throw new WebhookFieldError('url', `url ${verdict.reason}`);
}

/**
 * Validates a new subscription against the allow-list of hosts; returns its event types without
 * duplicates. Throws a {@link WebhookFieldError} naming the field refused.
 */
export function checkNewSubscription(
  input: NewWebhookSubscription,
  allowed: readonly AllowedHost[] = [],
): string[] {
  assertWebhookUrl(input.url, allowed);
  const events: unknown = input.events;
  if (!Array.isArray(events) || events.length === 0 || !events.every(isName)) {
    throw new WebhookFieldError(
      'events',
      `events must be a non-empty array of event types (or '${WILDCARD_EVENT}')`,
    );
  }
  if (input.secret !== undefined) {
    try {
      assertWebhookSecret(input.secret);
    } catch (error) {
      throw new WebhookFieldError('secret', error instanceof Error ? error.message : String(error));
    }
  }
  return [...new Set(events)];
}

/** Validates an event and returns its `occurredAt` as ISO 8601 text. */
export function checkEvent(event: WebhookEvent): string {
  if (!isName(event.id)) throw new TypeError(`event.id must be a non-empty string of at most 200 characters`);
  if (!isName(event.type) || event.type === WILDCARD_EVENT) {
    throw new TypeError(`event.type must be a non-empty string other than '${WILDCARD_EVENT}'`);
  }
  if (JSON.stringify(event.data) === undefined) throw new TypeError(`event.data must be a JSON value`);
  const occurredAt = new Date(event.occurredAt);
  if (Number.isNaN(occurredAt.getTime())) throw new TypeError(`event.occurredAt must be a date`);
  return occurredAt.toISOString();
}
