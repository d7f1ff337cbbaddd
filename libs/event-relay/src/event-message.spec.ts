import { encodeCloudEventHeaders } from '@platform/contracts';
import type { GlobalEvent } from '@platform/event-store';
import { aggregateIdOf, messageTenantOf, PLATFORM_TENANT_ID, toOutgoingMessage } from './event-message';

const TENANT = '9b2f6c1d-4e5a-4b6c-8d7e-0f1a2b3c4d5e';
const ABOUT = 'A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D';
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const event = (overrides: Partial<GlobalEvent> = {}): GlobalEvent => ({
  eventId: '1d7a2c3e-5b6f-4a8c-9d0e-1f2a3b4c5d6e',
  type: 'OrderItemAdded',
  data: { orderId: 'o-1', sku: 'SKU-1' },
  schemaVersion: 2,
  metadata: {
    tenantId: TENANT,
    correlationId: 'corr-1',
    causationId: 'cmd-1',
    actor: 'alice',
    occurredAt: '2026-03-04T05:06:07.089Z',
    traceparent: TRACEPARENT,
    tracestate: 'vendor=1',
  },
  tenantId: TENANT,
  streamName: 'order-3f0c9a8e-1b2d-4c3e-9f4a-5b6c7d8e9f0a',
  streamVersion: 7,
  globalPosition: 1234,
  recordedAt: '2026-03-04T05:06:07.500Z',
  checkpoint: '00000000000000000742:00000000000000001234',
  ...overrides,
});

describe('toOutgoingMessage', () => {
  it('maps the event and its metadata to the CloudEvents headers, key = aggregate id', () => {
    const message = toOutgoingMessage(
      event(),
      { topic: 'orders.events', ceType: 'orders.OrderItemAdded' },
      { topic: 'p.orders.events', source: '/command-service' },
    );

    expect(message.topic).toBe('p.orders.events');
    expect(message.key).toBe('3f0c9a8e-1b2d-4c3e-9f4a-5b6c7d8e9f0a');
    expect(message.value).toEqual({ orderId: 'o-1', sku: 'SKU-1' });
    expect(encodeCloudEventHeaders(message.attributes)).toEqual({
      ce_specversion: '1.0',
      ce_id: '1d7a2c3e-5b6f-4a8c-9d0e-1f2a3b4c5d6e',
      ce_type: 'orders.OrderItemAdded',
      ce_source: '/command-service',
      ce_time: '2026-03-04T05:06:07.089Z',
      ce_subject: '3f0c9a8e-1b2d-4c3e-9f4a-5b6c7d8e9f0a',
      'content-type': 'application/json',
      ce_tenantid: TENANT,
      ce_correlationid: 'corr-1',
      ce_causationid: 'cmd-1',
      ce_actor: 'alice',
      ce_dataschemaversion: '2',
      ce_sequence: '7',
      ce_position: '1234',
      traceparent: TRACEPARENT,
      tracestate: 'vendor=1',
    });
  });

  it('leaves trace headers out when the event has none', () => {
    const { traceparent: _t, tracestate: _s, ...metadata } = event().metadata;
    const message = toOutgoingMessage(
      event({ metadata }),
      { topic: 'orders.events', ceType: 'orders.OrderItemAdded' },
      { topic: 'orders.events', source: '/s' },
    );
    expect(message.attributes).not.toHaveProperty('traceparent');
    expect(message.attributes).not.toHaveProperty('tracestate');
  });
});

describe('messageTenantOf', () => {
  it("is the stream's tenant for a tenant's own events", () => {
    expect(messageTenantOf(event({ data: { tenantId: ABOUT } }))).toBe(TENANT);
  });

  it('is the tenant an event is about when the platform recorded it', () => {
    const platformEvent = event({ tenantId: PLATFORM_TENANT_ID, data: { tenantId: ABOUT, slug: 'acme' } });
    expect(messageTenantOf(platformEvent)).toBe(ABOUT.toLowerCase());
  });

  it.each([{ slug: 'acme' }, { tenantId: 'acme' }, null, 'text'])(
    'stays the platform tenant when the data names no tenant (%p)',
    (data) => {
      expect(messageTenantOf(event({ tenantId: PLATFORM_TENANT_ID, data }))).toBe(PLATFORM_TENANT_ID);
    },
  );
});

describe('aggregateIdOf', () => {
  it.each([
    ['order-42', '42'],
    ['tenant-3f0c9a8e-1b2d-4c3e-9f4a-5b6c7d8e9f0a', '3f0c9a8e-1b2d-4c3e-9f4a-5b6c7d8e9f0a'],
    ['snapshot', 'snapshot'],
  ])('%s -> %s', (stream, id) => {
    expect(aggregateIdOf(stream)).toBe(id);
  });
});
