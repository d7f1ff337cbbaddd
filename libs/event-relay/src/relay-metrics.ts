import { Gauge } from 'prom-client';
import { counter, histogram, metricsRegistry } from '@platform/observability';

// One series per relay name; a process runs one relay (tests run a few).

/** Per relay: the occurred-at (ms) of the oldest event handed over but not yet acknowledged. */
const oldestUnacknowledged = new Map<string, () => number | undefined>();

export const relayMetrics = {
  events: counter(
    'event_relay_events_total',
    'Events the relay handled: published (acknowledged by Kafka) or skipped (no route)',
    ['relay', 'outcome'],
  ),
  batches: counter('event_relay_batches_total', 'Batches acknowledged by Kafka and checkpointed', ['relay']),
  publishFailures: counter(
    'event_relay_publish_failures_total',
    'Failed attempts to publish a batch (retried)',
    ['relay'],
  ),
  batchSeconds: histogram(
    'event_relay_batch_seconds',
    'Time from the start of a batch publish to its stored checkpoint, retries included',
    ['relay'],
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  ),
  lagSeconds: new Gauge({
    name: 'event_relay_lag_seconds',
    help:
      'Now minus the occurred-at of the last event relayed, when it was relayed; while a batch waits ' +
      'for Kafka, now minus the occurred-at of its first event (it grows during an outage)',
    labelNames: ['relay'],
    registers: [metricsRegistry],
    collect() {
      for (const [relay, oldest] of oldestUnacknowledged) {
        const since = oldest();
        if (since !== undefined) this.set({ relay }, Math.max(0, Date.now() - since) / 1_000);
      }
    },
  }),
  leader: new Gauge({
    name: 'event_relay_leader',
    help: '1 while this instance is the active relay, else 0',
    labelNames: ['relay'],
    registers: [metricsRegistry],
  }),
};

/** Lets the lag gauge see, at scrape time, how long a relay's current batch has been waiting. */
export function trackUnacknowledged(relay: string, oldest: () => number | undefined): () => void {
  oldestUnacknowledged.set(relay, oldest);
  return () => {
    if (oldestUnacknowledged.get(relay) === oldest) oldestUnacknowledged.delete(relay);
  };
}
