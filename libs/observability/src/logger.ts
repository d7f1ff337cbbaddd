import { trace } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';
import { TenantContextStore } from '@platform/tenancy';

/**
 * JSON logs (pino) with the tenant and trace ids of the work in progress added to every line.
 * One logger per process; children add a `component`.
 */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const fields: Record<string, string> = {};
      const tenant = TenantContextStore.current();
      if (tenant) {
        fields.tenantId = tenant.tenantId;
        fields.correlationId = tenant.correlationId;
      }
      const span = trace.getActiveSpan()?.spanContext();
      if (span && span.traceId !== '00000000000000000000000000000000') fields.traceId = span.traceId;
      return fields;
    },
  });
}

export type { Logger } from 'pino';
