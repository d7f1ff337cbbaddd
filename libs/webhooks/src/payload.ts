import type { WebhookPayload } from './webhook.types';

/**
 * The exact request body of a delivery. Built once at enqueue time and stored, so every retry sends
 * (and signs) the same bytes.
 */
export function webhookBody(payload: WebhookPayload): string {
  const { type, timestamp, data, sequence, tenantId, eventId } = payload;
  return JSON.stringify({ type, timestamp, data, sequence, tenantId, eventId } satisfies WebhookPayload);
}
