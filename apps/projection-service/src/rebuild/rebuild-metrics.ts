import { Gauge } from 'prom-client';
import { counter, metricsRegistry } from '@platform/observability';
import type { RebuildProgress } from './rebuild-progress';

// Labelled by projection only: no tenant ids as label values (a per-tenant rebuild shows in the
// operator route). One rebuild per projection runs at a time, so the labels do not collide.
const labelNames = ['projection'] as const;
const done = new Gauge({
  name: 'projection_rebuild_events_done',
  help: 'Events the running (or last) rebuild of the projection has folded',
  labelNames,
  registers: [metricsRegistry],
});
const total = new Gauge({
  name: 'projection_rebuild_events_total',
  help: 'Events the running (or last) rebuild of the projection has to fold',
  labelNames,
  registers: [metricsRegistry],
});
const rate = new Gauge({
  name: 'projection_rebuild_events_per_second',
  help: 'Events per second of the running (or last) rebuild of the projection',
  labelNames,
  registers: [metricsRegistry],
});
const eta = new Gauge({
  name: 'projection_rebuild_eta_seconds',
  help: 'Seconds left of the running rebuild of the projection at its rate (0 when none runs)',
  labelNames,
  registers: [metricsRegistry],
});
const running = new Gauge({
  name: 'projection_rebuild_running',
  help: '1 while a rebuild of the projection runs',
  labelNames,
  registers: [metricsRegistry],
});
export const rebuildsTotal = counter('projection_rebuilds_total', 'Projection rebuilds ended, by outcome', [
  'projection',
  'outcome',
]);

/** Shows a rebuild's progress in the gauges. */
export function showProgress(projection: string, progress: RebuildProgress, isRunning: boolean): void {
  done.set({ projection }, progress.done);
  total.set({ projection }, progress.total);
  rate.set({ projection }, progress.ratePerSecond);
  eta.set({ projection }, isRunning ? (progress.etaSeconds ?? 0) : 0);
  running.set({ projection }, isRunning ? 1 : 0);
}
