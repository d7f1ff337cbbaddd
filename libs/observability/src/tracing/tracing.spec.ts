import { context, propagation, trace } from '@opentelemetry/api';
import { TenantContextStore } from '@platform/tenancy';
import { currentTraceHeaders, currentTraceId } from './trace-id';
import { startTracing, stopTracing } from './tracing';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/;

describe('startTracing without an exporter', () => {
  beforeAll(() => startTracing('tracing-spec', {}));
  afterAll(() => stopTracing());

  it('gives every unit of work a trace id and a traceparent, without recording its spans', () => {
    const span = trace.getTracer('spec').startSpan('work');
    context.with(trace.setSpan(context.active(), span), () => {
      const traceId = currentTraceId();
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(traceId).not.toBe('0'.repeat(32));
      const { traceparent } = currentTraceHeaders();
      expect(traceparent).toMatch(TRACEPARENT);
      expect(TRACEPARENT.exec(traceparent ?? '')?.[1]).toBe(traceId);
    });
    expect(span.isRecording()).toBe(false);
    span.end();
  });

  it("continues an incoming traceparent (the caller's trace id, a span of its own)", () => {
    const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const parent = propagation.extract(context.active(), { traceparent: incoming });
    const span = trace.getTracer('spec').startSpan('child', {}, parent);
    context.with(trace.setSpan(parent, span), () => {
      expect(currentTraceId()).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
      const { traceparent } = currentTraceHeaders();
      expect(traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
      expect(traceparent).not.toBe(incoming);
    });
    span.end();
  });

  it('keeps the trace context across awaits (async context)', async () => {
    const span = trace.getTracer('spec').startSpan('async');
    const seen = await context.with(trace.setSpan(context.active(), span), async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return TenantContextStore.run(
        { tenantId: 't-1', actor: 'a', roles: [], correlationId: 'c', causationId: 'c' },
        async () => {
          await Promise.resolve();
          return currentTraceId();
        },
      );
    });
    expect(seen).toBe(span.spanContext().traceId);
    span.end();
  });
});
