import { counter, histogram } from '@platform/observability';

/**
 * Attempts by tenant (bounded: top tenants, opt-in, `other`) and what they came to: `delivered`,
 * `retry` (failed, will be retried), `dead` (dead-lettered after its last attempt).
 */
export const deliveriesTotal = counter(
  'webhook_deliveries_total',
  'Webhook delivery attempts, by tenant and outcome (delivered, retry, dead)',
  ['tenant', 'outcome'],
);

/** Duration of each POST, from sending to the receiver's answer (or the error). */
export const deliverySeconds = histogram(
  'webhook_delivery_seconds',
  'Duration of one webhook delivery attempt',
  ['outcome'],
  [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
);

/** Attempts not sent: the URL, or an address its host resolved to, may not receive webhooks. */
export const deliveriesRefusedTotal = counter(
  'webhook_deliveries_refused_total',
  'Webhook delivery attempts refused before connecting (private, loopback … address, or not https)',
);
