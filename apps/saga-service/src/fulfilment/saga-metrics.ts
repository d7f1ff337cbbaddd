import { Gauge } from 'prom-client';
import { counter, metricsRegistry } from '@platform/observability';

/** Fulfilments started (an order confirmed), by nothing else. */
export const sagasStarted = counter('saga_fulfilments_started_total', 'Order fulfilments started');
/** Fulfilments ended: `shipped`, or `cancelled` with the reason (`timeout`, `payment-declined`, ...). */
export const sagasFinished = counter(
  'saga_fulfilments_finished_total',
  'Order fulfilments ended, by outcome',
  ['outcome', 'reason'],
);
/** Inputs handled by outcome: applied, duplicate (same ce_id), ignored (type or no saga). */
export const sagaInputs = counter('saga_inputs_total', 'Saga inputs by outcome', ['outcome']);
export const timersFired = counter('saga_timers_fired_total', 'Saga deadlines fired');
export const outboxPublished = counter('saga_outbox_published_total', 'Saga commands published to Kafka');
export const outboxPublishFailures = counter(
  'saga_outbox_publish_failures_total',
  'Failed attempts to publish saga commands',
);

let lag: Gauge | undefined;
/** Age of the oldest unsent outbox row when the relay last looked (0 when the outbox is empty). */
export function outboxLagSeconds(): Gauge {
  lag ??= new Gauge({
    name: 'saga_outbox_lag_seconds',
    help: 'Age of the oldest saga command not yet acknowledged by Kafka',
    registers: [metricsRegistry],
  });
  return lag;
}
