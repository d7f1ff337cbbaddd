import { trace } from '@opentelemetry/api';

/** The current trace id, or undefined outside a sampled span. */
export function currentTraceId(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  if (!context || context.traceId === '00000000000000000000000000000000') return undefined;
  return context.traceId;
}
