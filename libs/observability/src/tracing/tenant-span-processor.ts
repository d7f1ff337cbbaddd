import { trace, type Context } from '@opentelemetry/api';
import type { Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { TenantContextStore } from '@platform/tenancy';

/** The span attribute that names the tenant whose work a span is. */
export const TENANT_ID_ATTRIBUTE = 'tenant.id';

/**
 * Gives every recorded span the `tenant.id` of the work it is part of, so that database and
 * library spans carry it without each call site setting it: the tenant context's (an HTTP request
 * past the tenant guard, a Kafka message's handling), else its parent span's in this process (a
 * webhook attempt, a batch). Spans that are not recorded never reach a processor: no cost when
 * nothing is sampled.
 */
export class TenantSpanProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    if (span.attributes[TENANT_ID_ATTRIBUTE] !== undefined) return;
    const tenantId = TenantContextStore.current()?.tenantId ?? tenantOfParent(parentContext);
    if (tenantId !== undefined) span.setAttribute(TENANT_ID_ATTRIBUTE, tenantId);
  }

  onEnd(): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The `tenant.id` of the parent span when it is a local, recorded one (remote parents have none). */
function tenantOfParent(parentContext: Context): string | undefined {
  const parent = trace.getSpan(parentContext) as Partial<Pick<Span, 'attributes'>> | undefined;
  const tenantId = parent?.attributes?.[TENANT_ID_ATTRIBUTE];
  return typeof tenantId === 'string' ? tenantId : undefined;
}
