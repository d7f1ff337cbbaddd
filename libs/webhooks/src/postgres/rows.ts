import type {
  AttemptOutcome,
  DeliveryStatus,
  WebhookAttempt,
  WebhookDelivery,
  WebhookSubscription,
} from '../webhook.types';

// Rows as `pg` returns them (bigint as string, timestamptz as Date) and their mapping to the lib's data.

export interface SubscriptionRow {
  id: string;
  tenant_id: string;
  url: string;
  event_types: string[];
  secret: string;
  created_at: Date;
  disabled_at: Date | null;
}

export const SUBSCRIPTION_COLUMNS = 'id, tenant_id, url, event_types, secret, created_at, disabled_at';

export interface DeliveryRow {
  id: string;
  tenant_id: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  sequence: string;
  status: DeliveryStatus;
  round: number;
  attempts: number;
  next_attempt_at: Date;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
}

export const DELIVERY_COLUMNS =
  'id, tenant_id, subscription_id, event_id, event_type, sequence, status, round, attempts, ' +
  'next_attempt_at, last_status_code, last_error, created_at, updated_at';

export interface AttemptRow {
  delivery_id: string;
  round: number;
  attempt_no: number;
  started_at: Date;
  outcome: Exclude<AttemptOutcome, 'unfinished'> | null;
  status_code: number | null;
  error: string | null;
  latency_ms: number | null;
}

export const ATTEMPT_COLUMNS =
  'delivery_id, round, attempt_no, started_at, outcome, status_code, error, latency_ms';

/** Converts a bigint column to a number, refusing values JavaScript cannot represent exactly. */
export function toSafeInteger(value: string | number, column: string): number {
  const result = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(result)) throw new RangeError(`${column} ${String(value)} is not a safe integer`);
  return result;
}

export const toSubscription = (row: SubscriptionRow): WebhookSubscription => ({
  id: row.id,
  tenantId: row.tenant_id,
  url: row.url,
  events: row.event_types,
  secret: row.secret,
  createdAt: row.created_at,
  ...(row.disabled_at ? { disabledAt: row.disabled_at } : {}),
});

export const toDelivery = (row: DeliveryRow): WebhookDelivery => ({
  id: row.id,
  tenantId: row.tenant_id,
  subscriptionId: row.subscription_id,
  eventId: row.event_id,
  eventType: row.event_type,
  sequence: toSafeInteger(row.sequence, 'sequence'),
  status: row.status,
  round: row.round,
  attempts: row.attempts,
  nextAttemptAt: row.next_attempt_at,
  ...(row.last_status_code === null ? {} : { lastStatusCode: row.last_status_code }),
  ...(row.last_error === null ? {} : { lastError: row.last_error }),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export const toAttempt = (row: AttemptRow): WebhookAttempt => ({
  deliveryId: row.delivery_id,
  round: row.round,
  attemptNo: row.attempt_no,
  outcome: row.outcome ?? 'unfinished',
  ...(row.status_code === null ? {} : { statusCode: row.status_code }),
  ...(row.error === null ? {} : { error: row.error }),
  ...(row.latency_ms === null ? {} : { latencyMs: row.latency_ms }),
  startedAt: row.started_at,
});
