import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { AuditEntry } from '@platform/audit';
import type { AuditedAppend, AuditedAppendOutcome, AuditedAppendRequest } from './audited-append.port';

const tracer = trace.getTracer('command-service');

/**
 * {@link AuditedAppend} with a CLIENT span per command's append (`append <stream category>`,
 * OpenTelemetry database conventions): with group commit one transaction carries many commands, so
 * this span, not the transaction's statements, is where a command's trace shows its append.
 */
export class TracedAuditedAppend implements AuditedAppend {
  readonly checksVersionFirst: boolean;

  constructor(
    private readonly inner: AuditedAppend,
    private readonly system: 'postgresql' | 'eventstoredb',
  ) {
    this.checksVersionFirst = inner.checksVersionFirst;
  }

  append(request: AuditedAppendRequest): Promise<AuditedAppendOutcome> {
    const category = request.streamName.slice(0, Math.max(0, request.streamName.indexOf('-'))) || 'stream';
    return tracer.startActiveSpan(
      `append ${category}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'db.system.name': this.system,
          'db.operation.name': 'append',
          'db.collection.name': category,
          'db.operation.batch.size': request.events.length,
          'tenant.id': request.tenantId,
        },
      },
      async (span) => {
        try {
          const outcome = await this.inner.append(request);
          if (!outcome.ok) span.setAttribute('command.refusal', outcome.refusal.kind);
          return outcome;
        } catch (error) {
          span.recordException(error as Error);
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }

  recordRefusal(tenantId: string, record: AuditEntry): Promise<void> {
    return this.inner.recordRefusal(tenantId, record);
  }
}
