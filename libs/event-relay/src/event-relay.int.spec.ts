import { randomUUID } from 'node:crypto';
import { tenantStreamName } from '@platform/contracts';
import { metricsRegistry } from '@platform/observability';
import { eventually, installTestTracing, testInfra } from '@platform/testing';
import { PLATFORM_TENANT_ID } from './event-message';
import { PostgresRelayLeadership } from './postgres/postgres-leadership';
import {
  appendOrders,
  orderEvent,
  orderViolations,
  RelayTestKit,
  startTcpProxy,
  type ReceivedMessage,
} from './testing/relay-int-kit';

const spans = installTestTracing();
const TENANT = '5a0e4f3c-2b1d-4e6f-9a8b-7c6d5e4f3a2b';
const BATCH = 50;

describe('EventRelay on PostgreSQL and Kafka', () => {
  let kit: RelayTestKit;

  beforeEach(async () => {
    kit = new RelayTestKit();
    await kit.setUp();
  });

  afterEach(async () => {
    await kit.cleanUp();
  });

  it('relays appended events with their CloudEvents headers and continues their trace', async () => {
    const [ordersTopic, tenantsTopic] = await kit.ensureTopics(['orders.events', 'tenants.lifecycle']);
    await kit.read([ordersTopic ?? '', tenantsTopic ?? '']);
    const relay = await kit.relay('relay-a');
    relay.start();

    const orderId = randomUUID();
    const created = orderEvent(TENANT, orderId, 1, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    const added = orderEvent(TENANT, orderId, 2, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    await kit.store.appendToStream(TENANT, `order-${orderId}`, [created, added], {
      expectedVersion: 'no-stream',
    });
    // an event the registry does not know: skipped, counted, and moved past
    await kit.store.appendToStream(
      TENANT,
      'audit-1',
      [{ ...orderEvent(TENANT, orderId, 1), type: 'NotARegisteredEvent' }],
      { expectedVersion: 'any' },
    );
    // the registry records tenant events under the platform tenant; they are announced as the tenant's
    const aboutTenant = randomUUID();
    const tenantCreated = {
      ...orderEvent(PLATFORM_TENANT_ID, aboutTenant, 1),
      type: 'TenantCreated',
      data: { tenantId: aboutTenant, slug: 'acme', version: 1 },
    };
    await kit.store.appendToStream(PLATFORM_TENANT_ID, tenantStreamName(aboutTenant), [tenantCreated], {
      expectedVersion: 'no-stream',
    });

    await eventually(() => expect(kit.received).toHaveLength(3), { what: 'three messages on Kafka' });
    const byId = new Map(kit.received.map((m) => [m.headers.ce_id, m]));
    const positions = new Map<string, { position: number; checkpoint: string }>();
    for await (const event of kit.store.readAll()) {
      positions.set(event.eventId, { position: event.globalPosition, checkpoint: event.checkpoint });
    }

    const first = byId.get(created.eventId);
    expect(first).toMatchObject({ topic: ordersTopic, key: orderId, value: created.data });
    expect(first?.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_id: created.eventId,
      ce_type: 'orders.OrderCreated',
      ce_source: '/relay-a',
      ce_time: created.metadata.occurredAt,
      ce_subject: orderId,
      ce_tenantid: TENANT,
      ce_correlationid: created.metadata.correlationId,
      ce_causationid: created.metadata.causationId,
      ce_actor: 'user:relay-it',
      ce_sequence: '1',
      ce_position: String(positions.get(created.eventId)?.position),
      ce_dataschemaversion: '1',
      'content-type': 'application/json',
    });
    expect(byId.get(added.eventId)).toMatchObject({
      topic: ordersTopic,
      key: orderId,
      headers: expect.objectContaining({ ce_type: 'orders.OrderItemAdded', ce_sequence: '2' }),
    });
    expect(byId.get(tenantCreated.eventId)).toMatchObject({
      topic: tenantsTopic,
      key: aboutTenant,
      headers: expect.objectContaining({ ce_type: 'tenants.TenantCreated', ce_tenantid: aboutTenant }),
    });

    // the publish is a child of the span that appended the event: same trace, parent = original span
    for (const event of [created, added]) {
      const [, traceId, parentId] = (event.metadata.traceparent ?? '').split('-');
      const header = byId.get(event.eventId)?.headers.traceparent ?? '';
      const [, headerTraceId, headerSpanId] = header.split('-');
      expect(headerTraceId).toBe(traceId);
      const producer = spans.getFinishedSpans().find((span) => span.spanContext().spanId === headerSpanId);
      expect(producer?.name).toBe(`send ${ordersTopic}`);
      expect(producer?.spanContext().traceId).toBe(traceId);
      expect(producer?.parentSpanContext?.spanId).toBe(parentId);
    }

    // the checkpoint is the last event's (the skipped one included), stored once Kafka acknowledged
    await eventually(async () =>
      expect(await kit.checkpoints.load(kit.relayName)).toBe(
        positions.get(tenantCreated.eventId)?.checkpoint,
      ),
    );
    const skipped = await metricsRegistry.getSingleMetric('event_relay_events_total')?.get();
    expect(skipped?.values).toContainEqual(
      expect.objectContaining({ labels: { relay: kit.relayName, outcome: 'skipped' }, value: 1 }),
    );
  });

  it('runs one active relay of two; when the leader loses its lock connection it stops and the other takes over', async () => {
    const [ordersTopic] = await kit.ensureTopics(['orders.events']);
    await kit.read([ordersTopic ?? '']);
    // relay A holds its lock through a proxy, so the test can cut that one connection
    const proxy = await startTcpProxy({
      host: '127.0.0.1',
      port: Number(new URL(testInfra.databaseUrl).port),
    });
    const a = await kit.relay('relay-a', {
      leadership: new PostgresRelayLeadership({ connectionString: proxy.url(testInfra.databaseUrl) }),
    });
    const b = await kit.relay('relay-b');
    a.start();
    await eventually(() => expect(a.state).toBe('leading'));
    b.start();

    let appending = true;
    const appended = appendOrders(kit.store, TENANT, { orders: 40, count: 100_000, until: () => !appending });
    await eventually(() => expect(kit.received.length).toBeGreaterThanOrEqual(300), { timeoutMs: 30_000 });
    expect(b.state).toBe('following');
    expect(new Set(kit.received.map((m) => m.headers.ce_source))).toEqual(new Set(['/relay-a']));

    const cutAt = Date.now();
    await proxy.cut();
    await eventually(() => expect(b.state).toBe('leading'), { timeoutMs: 15_000, intervalMs: 10 });
    const takeOverMs = Date.now() - cutAt;
    await eventually(() => expect(a.state).toBe('following'));
    const receivedAtTakeOver = kit.received.length;
    await eventually(() => expect(kit.received.length).toBeGreaterThan(receivedAtTakeOver + 300), {
      timeoutMs: 30_000,
    });
    appending = false;
    const ids = await appended;

    const log = await kit.logOrder();
    await eventually(() => expect(missing(log, kit.receivedIds())).toEqual([]), { timeoutMs: 30_000 });
    expect(ids.length).toBe(log.length);
    const from = (source: string): ReceivedMessage[] =>
      kit.received.filter((m) => m.headers.ce_source === source);
    const indexOf = new Map(log.map((id, index) => [id, index]));
    const indices = (messages: ReceivedMessage[]): number[] =>
      [...new Set(messages.map((m) => indexOf.get(m.headers.ce_id ?? '') ?? -1))].sort((x, y) => x - y);
    const byA = indices(from('/relay-a'));
    const byB = indices(from('/relay-b'));
    // A published a prefix of the log and nothing once B led: B resumed from A's last checkpoint,
    // at most one unacknowledged batch back.
    expect(byA).toEqual(byA.map((_, i) => i));
    const firstOfB = byB[0] ?? -1;
    expect(byA.at(-1) ?? -1).toBeLessThan(firstOfB + BATCH);
    expect(byB.at(-1)).toBe(log.length - 1);
    expect(kit.duplicates()).toBeLessThanOrEqual(BATCH);
    expect(orderViolations(kit.received)).toEqual([]);
    process.stdout.write(
      `relay take-over after a cut lock connection: ${takeOverMs} ms; ${log.length} events, ` +
        `${kit.duplicates()} duplicates (A published ${byA.length}, B ${byB.length})\n`,
    );
  });
});

const missing = (log: readonly string[], received: ReadonlySet<string>): string[] =>
  log.filter((id) => !received.has(id));
