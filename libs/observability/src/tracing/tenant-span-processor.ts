import type { Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { TenantContextStore } from '@platform/tenancy';

/** The span attribute that names the tenant whose work a span is. */
export const TENANT_ID_ATTRIBUTE = 'tenant.id';

/**
 * Gives every recorded span started inside a tenant context (an HTTP request past the tenant
 * guard, a Kafka message's handling, a saga step) the `tenant.id` attribute, so that database and
 * library spans carry it without each call site setting it. Spans that are not recorded never
 * reach a processor: no cost when nothing is sampled.
 */
export class TenantSpanProcessor implements SpanProcessor {
  onStart(span: Span): void {
    const tenant = TenantContextStore.current();
    if (tenant && span.attributes[TENANT_ID_ATTRIBUTE] === undefined)
      span.setAttribute(TENANT_ID_ATTRIBUTE, tenant.tenantId);
  }

  onEnd(): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
