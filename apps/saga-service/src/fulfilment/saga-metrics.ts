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
/** Fulfilments cancelled because a step's deadline passed, by tenant (top tenants, opt-in, `other`). */
export const sagasTimedOut = counter(
  'saga_fulfilments_timed_out_total',
  'Order fulfilments cancelled because a step got no answer before its deadline, by tenant',
  ['tenant'],
);
export const sagaInputs = counter('saga_inputs_total', 'Saga inputs by outcome', ['outcome']);
export const timersFired = counter('saga_timers_fired_total', 'Saga deadlines fired');
export const outboxPublished = counter('saga_outbox_published_total', 'Saga commands published to Kafka');
export const outboxPublishFailures = counter(
  'saga_outbox_publish_failures_total',
  'Failed attempts to publish saga commands',
);

/** What the in-flight gauges read at scrape time: the durable timers (one per saga waiting on a step). */
export interface DeadlineCounts {
  /** Sagas waiting for an answer (a deadline is set). */
  readonly inFlight: number;
  /** Of those, the ones whose deadline has passed but has not fired yet. */
  readonly overdue: number;
}

let deadlines: (() => Promise<DeadlineCounts>) | undefined;
let counting: Promise<void> | undefined;

// Every instance reads the same table, so every instance shows the same figures (use max() across them).
const inFlight = new Gauge({
  name: 'saga_fulfilments_in_flight',
  help: 'Order fulfilments waiting on a step (a deadline is set), from the saga tables at scrape time',
  registers: [metricsRegistry],
  async collect() {
    await countDeadlines();
  },
});
const overdue = new Gauge({
  name: 'saga_fulfilments_overdue',
  help: 'Order fulfilments whose step deadline has passed and not fired yet (the timer loop is behind)',
  registers: [metricsRegistry],
  async collect() {
    await countDeadlines();
  },
});

async function countDeadlines(): Promise<void> {
  if (!deadlines) return;
  const read = deadlines;
  counting ??= (async () => {
    try {
      const counts = await read();
      inFlight.set(counts.inFlight);
      overdue.set(counts.overdue);
    } catch {
      // the database is away: the last figures stay, readiness says why
    } finally {
      counting = undefined;
    }
  })();
  await counting;
}

/** Makes the in-flight gauges read `counts` at scrape time. */
export function trackDeadlines(counts: () => Promise<DeadlineCounts>): void {
  deadlines = counts;
}

const lag = new Gauge({
  name: 'saga_outbox_lag_seconds',
  help: 'Age of the oldest saga command not yet acknowledged by Kafka',
  registers: [metricsRegistry],
});
/** Age of the oldest unsent outbox row when the relay last looked (0 when the outbox is empty). */
export function outboxLagSeconds(): Gauge {
  return lag;
}
