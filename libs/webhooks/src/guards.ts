import { isUuid } from '@platform/contracts';
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

export function assertWebhookUrl(url: unknown): asserts url is string {
  let parsed: URL | undefined;
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.username !== '') {
    throw new TypeError(
      `url must be an absolute http(s) URL without credentials; got ${JSON.stringify(url)}`,
    );
  }
}

/** Validates a new subscription; returns its event types without duplicates. */
export function checkNewSubscription(input: NewWebhookSubscription): string[] {
  assertWebhookUrl(input.url);
  const events: unknown = input.events;
  if (!Array.isArray(events) || events.length === 0 || !events.every(isName)) {
    throw new TypeError(`events must be a non-empty array of event types (or '${WILDCARD_EVENT}')`);
  }
  if (input.secret !== undefined) assertWebhookSecret(input.secret);
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
