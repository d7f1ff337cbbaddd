import { context, propagation, trace } from '@opentelemetry/api';

/** The current trace id (sampled or not), or undefined outside any trace. */
export function currentTraceId(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  if (!context || context.traceId === '00000000000000000000000000000000') return undefined;
  return context.traceId;
}

/** W3C trace headers of a context: what a message or a stored event carries on. */
export interface TraceHeaders {
  traceparent?: string;
  tracestate?: string;
}

/**
 * The active context's `traceparent` (and `tracestate`): stored with an event or a saga command
 * so that whoever publishes it later continues this trace. Empty outside any trace.
 */
export function currentTraceHeaders(): TraceHeaders {
  const headers: TraceHeaders = {};
  propagation.inject(context.active(), headers);
  return headers;
}
