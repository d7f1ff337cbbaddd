import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** The process's Prometheus registry, served on `/metrics`. */
export const metricsRegistry = new Registry();
let defaultsStarted = false;

export function startDefaultMetrics(service: string): void {
  if (defaultsStarted) return;
  defaultsStarted = true;
  metricsRegistry.setDefaultLabels({ service });
  // the event-loop lag histogram samples on a libuv timer: every 10 ms by default (100 wake-ups a
  // second in an idle process, half a percent of a core); every 100 ms still shows a stalled loop
  collectDefaultMetrics({ register: metricsRegistry, eventLoopMonitoringPrecision: 100 });
}

const counters = new Map<string, Counter>();
const histograms = new Map<string, Histogram>();

/** A counter registered once per name (safe to call from several modules). */
export function counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
  let metric = counters.get(name);
  if (!metric) {
    metric = new Counter({ name, help, labelNames, registers: [metricsRegistry] });
    counters.set(name, metric);
  }
  return metric;
}

export function histogram(
  name: string,
  help: string,
  labelNames: readonly string[] = [],
  buckets: number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
): Histogram {
  let metric = histograms.get(name);
  if (!metric) {
    metric = new Histogram({ name, help, labelNames, buckets, registers: [metricsRegistry] });
    histograms.set(name, metric);
  }
  return metric;
}
