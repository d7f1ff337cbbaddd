import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { exportsSpans, samplerFromEnv } from './sampler-from-env';
import { TenantSpanProcessor } from './tenant-span-processor';

const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

let provider: TracerProvider | undefined;
let instrumentations: readonly { disable(): void }[] = [];

/**
 * Starts tracing. Call it before Nest (and anything it instruments) is loaded: each service's
 * `main.ts` imports its `instrumentation.ts` first.
 *
 * The W3C trace context (`traceparent`, `tracestate`, `baggage`) is always propagated, over HTTP
 * and Kafka, whether or not spans are exported: every request has a trace id (`X-Trace-Id`, the
 * logs) and every message carries it on. Spans are exported over OTLP only when
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set and neither
 * `OTEL_SDK_DISABLED=true` nor `OTEL_TRACES_EXPORTER=none`; the head sampler follows
 * `OTEL_TRACES_SAMPLER` ({@link samplerFromEnv}), the parent's decision honoured (ADR 0027).
 *
 * @example
 * // apps/gateway/src/instrumentation.ts
 * startTracing('gateway');
 */
export function startTracing(defaultServiceName: string, env: NodeJS.ProcessEnv = process.env): void {
  if (provider) return;
  const exporting = exportsSpans(env);
  const spanProcessors: SpanProcessor[] = [new TenantSpanProcessor()];
  if (exporting) {
    const delay = Number(env.OTEL_BSP_SCHEDULE_DELAY);
    spanProcessors.push(
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter(),
        ...(delay > 0 && { scheduledDelayMillis: delay }),
      }),
    );
  }
  provider = new TracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME ?? defaultServiceName,
    }),
    sampler: samplerFromEnv(env, exporting),
    spanProcessors,
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  );
  trace.setGlobalTracerProvider(provider);
  // enabled on construction: they patch `http` and `pg` when these are first required
  instrumentations = [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => QUIET_PATHS.has((request.url ?? '').split('?')[0] ?? ''),
    }),
    // statements outside any trace (the relay's and the pollers' loops) get no span: a root trace
    // per poll would bury the requests' traces
    new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
  ];
}

/** Flushes and stops span export: the last step of a graceful shutdown. */
export async function stopTracing(): Promise<void> {
  const running = provider;
  provider = undefined;
  for (const instrumentation of instrumentations) instrumentation.disable();
  instrumentations = [];
  await running?.shutdown();
  // a later startTracing (tests) registers afresh
  trace.disable();
  propagation.disable();
  context.disable();
}
