import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { TenantContextStore } from '@platform/tenancy';
import { TenantSpanProcessor } from './tenant-span-processor';

describe('TenantSpanProcessor', () => {
  const exporter = new InMemorySpanExporter();
  const tracer = new TracerProvider({
    spanProcessors: [new TenantSpanProcessor(), new SimpleSpanProcessor({ exporter })],
  }).getTracer('spec');
  const tenant = (tenantId: string) => ({
    tenantId,
    actor: 'a',
    roles: [],
    correlationId: 'c',
    causationId: 'c',
  });

  beforeEach(() => exporter.reset());

  it("gives a span started in a tenant's context that tenant, and a span outside none", () => {
    TenantContextStore.run(tenant('t-1'), () => tracer.startSpan('inside').end());
    tracer.startSpan('outside').end();
    const [inside, outside] = exporter.getFinishedSpans();
    expect(inside?.attributes['tenant.id']).toBe('t-1');
    expect(outside?.attributes).not.toHaveProperty('tenant.id');
  });

  it('keeps a tenant the span was given explicitly (a batch span names its trace’s tenant)', () => {
    TenantContextStore.run(tenant('t-1'), () =>
      tracer.startSpan('explicit', { attributes: { 'tenant.id': 't-2' } }).end(),
    );
    expect(exporter.getFinishedSpans()[0]?.attributes['tenant.id']).toBe('t-2');
  });
});
