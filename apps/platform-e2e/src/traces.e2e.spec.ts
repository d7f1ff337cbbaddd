import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { eventually, uniqueSuffix } from '@platform/testing';
import { api, type ApiResponse } from './http-client';
import { ensureJaeger, isStatement, jaeger, shapeOf, traceSpans, type TraceSpan } from './jaeger';
import { startPlatform, stopCleanly, type Platform } from './platform.fixture';
import { createActiveTenant } from './tenants';

/**
 * Contract §9: one request through the gateway is one trace in Jaeger, across processes and
 * Kafka, every span with `tenant.id`. The whole platform exports to the local Jaeger; each test
 * reads its request's trace back through Jaeger's HTTP API (`/api/traces/{X-Trace-Id}`), polling
 * while Jaeger ingests.
 */
describe('traces in Jaeger: one request, one trace', () => {
  let platform: Platform;
  let gw: string;
  let tenantId: string;
  let member: string;
  let admin: string;
  let receiver: Server;
  /** The `traceparent` of each webhook the receiver got. */
  const webhookTraceparents: string[] = [];
  const suffix = uniqueSuffix();

  beforeAll(async () => {
    await ensureJaeger();
    platform = await startPlatform(21_580, {
      extraEnv: {
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpEndpoint,
        OTEL_TRACES_SAMPLER: 'parentbased_always_on',
        OTEL_BSP_SCHEDULE_DELAY: '200',
      },
    });
    gw = platform.gateways[0]?.url ?? '';
    admin = platform.token(['platform-admin'], [], 'e2e-traces-admin');
    tenantId = await createActiveTenant({ via: gw, admin, slug: `traces-${suffix}` });
    member = platform.token(['member'], [tenantId], 'tracy');
    receiver = createServer((request, response) => {
      webhookTraceparents.push(String(request.headers.traceparent));
      request.resume();
      response.writeHead(204).end();
    });
    await new Promise<void>((resolve) => receiver.listen(platform.webhookReceiverPort, '127.0.0.1', resolve));
  }, 30 * 60_000);

  afterAll(async () => {
    await new Promise((resolve) => receiver.close(resolve));
    await stopCleanly(platform);
  }, 60_000);

  const traceIdOf = (response: ApiResponse): string => {
    const traceId = response.headers.get('x-trace-id') ?? '';
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    return traceId;
  };

  /** Polls Jaeger until the trace has (at least) these service/kind pairs; its spans. */
  const traceWith = (traceId: string, shape: readonly string[]): Promise<TraceSpan[]> =>
    eventually(
      async () => {
        const spans = await traceSpans(traceId);
        expect(shapeOf(spans)).toEqual(expect.arrayContaining([...shape]));
        return spans;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: `trace ${traceId} in Jaeger` },
    );

  const expectWholeTrace = (spans: readonly TraceSpan[], traceId: string, shape: readonly string[]): void => {
    expect(shapeOf(spans)).toEqual([...shape].sort());
    // the command's append and the projection's write, statement by statement, with db.* attributes
    for (const service of ['command-service', 'projection-service']) {
      const statements = spans.filter((span) => span.service === service && isStatement(span));
      expect(statements.length).toBeGreaterThan(0);
      expect(statements.filter((span) => span.tags['db.system'] ?? span.tags['db.system.name'])).not.toEqual(
        [],
      );
    }
    expect(spans.filter((span) => span.traceId !== traceId)).toEqual([]);
    expect(
      spans.filter((span) => span.tags['tenant.id'] !== tenantId).map((s) => `${s.service} ${s.name}`),
    ).toEqual([]);
  };

  it('POST /v1/orders: gateway, command, append, relay, projection, saga and registry in one trace', async () => {
    const created = await eventually(async () => {
      const response = await api(gw, 'POST', '/v1/orders', { token: member, body: { customerId: 'c-1' } });
      expect(response.status).toBe(201);
      return response;
    });
    const traceId = traceIdOf(created);
    const shape = [
      'gateway server',
      'gateway producer',
      'command-service consumer',
      'command-service client',
      'command-service producer',
      'relay producer',
      'projection-service consumer',
      'saga-service consumer',
      'tenant-registry consumer',
    ];
    const spans = await traceWith(traceId, shape);
    expectWholeTrace(spans, traceId, shape);
    const server = spans.find((span) => span.service === 'gateway' && span.kind === 'server');
    expect(server).toMatchObject({ name: 'POST /v1/orders', tags: { 'http.route': '/v1/orders' } });
    for (const span of spans.filter((s) => s.kind === 'producer' || s.kind === 'consumer')) {
      expect(span.tags).toMatchObject({
        'messaging.system': 'kafka',
        'messaging.destination.name': expect.any(String),
        'messaging.operation.name': expect.stringMatching(/^(send|process)$/),
        'messaging.operation.type': expect.stringMatching(/^(send|process)$/),
      });
    }
    expect(spans.filter((s) => s.name.startsWith('append '))[0]?.tags).toMatchObject({
      'db.system.name': 'postgresql',
      'db.operation.name': 'append',
    });
  });

  it('a confirmed order: confirm, the saga, its inventory and payment steps and the webhook in one trace', async () => {
    const subscribed = await api(gw, 'POST', `/v1/tenants/${tenantId}/webhooks`, {
      token: admin,
      body: {
        url: `http://127.0.0.1:${platform.webhookReceiverPort}/hooks`,
        events: ['orders.OrderShipped'],
        secret: `whsec_${randomBytes(32).toString('base64')}`,
      },
    });
    expect(subscribed.status).toBe(201);
    const sku = `TRACE-${suffix}`;
    await eventually(async () => {
      const response = await api(gw, 'POST', '/v1/products', {
        token: member,
        body: { sku, name: 'Traced', stock: 10 },
      });
      expect(response.status).toBe(201);
    });
    const created = await api(gw, 'POST', '/v1/orders', { token: member, body: { customerId: 'c-2' } });
    expect(created.status).toBe(201);
    const orderId = String(created.body.orderId);
    const added = await api(gw, 'POST', `/v1/orders/${orderId}/items`, {
      token: member,
      body: { sku, quantity: 2, unitPrice: { amount: '3.00', currency: 'EUR' } },
    });
    expect(added.status).toBe(200);
    const confirmed = await api(gw, 'POST', `/v1/orders/${orderId}/confirm`, {
      token: member,
      body: { paymentToken: 'tok_visa' },
    });
    expect(confirmed.status).toBe(202);
    const traceId = traceIdOf(confirmed);
    await eventually(
      async () => {
        const read = await api(gw, 'GET', `/v1/orders/${orderId}`, { token: member });
        expect(read.body.status).toBe('shipped');
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the order shipped' },
    );
    // the receiver is called inside the trace: the webhook's traceparent carries its trace id
    await eventually(() => expect(webhookTraceparents).toHaveLength(1), { what: 'the webhook' });
    expect(webhookTraceparents[0]).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    const shape = [
      'gateway server',
      'gateway producer',
      'command-service consumer',
      'command-service client',
      'command-service producer',
      'relay producer',
      'projection-service consumer',
      'saga-service consumer',
      'saga-service internal',
      'saga-service producer',
      'tenant-registry consumer',
      'tenant-registry client',
    ];
    const spans = await traceWith(traceId, shape);
    expectWholeTrace(spans, traceId, shape);
    const prefix = platform.env.KAFKA_TOPIC_PREFIX ?? '';
    const names = new Set(spans.map((span) => `${span.service} ${span.name}`));
    for (const name of [
      'gateway POST /v1/orders/:id/confirm',
      `command-service process ${prefix}orders.commands`,
      `command-service process ${prefix}inventory.commands`,
      `command-service process ${prefix}payments.commands`,
      'saga-service saga step OrderConfirmed',
      'saga-service saga step StockReserved',
      'saga-service saga step PaymentCharged',
      'saga-service saga step OrderShipped',
      'tenant-registry webhook deliver',
    ])
      expect(names).toContain(name);
  });
});
