import { Gauge } from 'prom-client';
import { counter, metricsRegistry } from '@platform/observability';
import type { ParkedEvents } from '@platform/read-models';

/** Messages parked, by topic and why (`failed`: its attempts ran out; `behind`: behind such a one). */
export const parkedTotal = counter('projection_parked_messages_total', 'Messages parked by the projection', [
  'topic',
  'reason',
]);

let source: ParkedEvents | undefined;

// Read from the parked table at scrape time (one grouped statement), so that every instance shows the
// same figures, replays and skips included. Labelled by topic only: no tenant ids as label values.
const aggregates = new Gauge({
  name: 'projection_parked_aggregates',
  help: 'Aggregates (tenant and key) parked behind a message that failed, by topic',
  labelNames: ['topic'],
  registers: [metricsRegistry],
  async collect() {
    await collectParked();
  },
});
const events = new Gauge({
  name: 'projection_parked_events',
  help: 'Messages waiting in parked aggregates, by topic',
  labelNames: ['topic'],
  registers: [metricsRegistry],
  async collect() {
    await collectParked();
  },
});

let collecting: Promise<void> | undefined;

async function collectParked(): Promise<void> {
  if (!source) return;
  collecting ??= (async () => {
    try {
      const counts = await source.counts();
      aggregates.reset();
      events.reset();
      for (const { topic, aggregates: a, events: e } of counts) {
        aggregates.set({ topic }, a);
        events.set({ topic }, e);
      }
    } catch {
      // the database is away: the last figures stay, readiness says why
    } finally {
      collecting = undefined;
    }
  })();
  await collecting;
}

/** Makes the parked gauges read this table. */
export function trackParked(parked: ParkedEvents): void {
  source = parked;
}
