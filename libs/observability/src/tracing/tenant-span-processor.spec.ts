import { context, trace } from '@opentelemetry/api';
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

  it("gives a span outside any tenant context its local parent span's tenant", () => {
    const parent = tracer.startSpan('parent', { attributes: { 'tenant.id': 't-3' } });
    tracer.startSpan('child', {}, trace.setSpan(context.active(), parent)).end();
    parent.end();
    expect(exporter.getFinishedSpans()[0]).toMatchObject({
      name: 'child',
      attributes: { 'tenant.id': 't-3' },
    });
  });

  it('keeps a tenant the span was given explicitly (a batch span names its trace’s tenant)', () => {
    TenantContextStore.run(tenant('t-1'), () =>
      tracer.startSpan('explicit', { attributes: { 'tenant.id': 't-2' } }).end(),
    );
    expect(exporter.getFinishedSpans()[0]?.attributes['tenant.id']).toBe('t-2');
  });
});
