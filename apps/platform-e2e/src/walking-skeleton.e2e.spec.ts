import { readFile } from 'node:fs/promises';
import type { RunningService } from '@platform/testing';
import { Kafka, logLevel } from 'kafkajs';
import { eventually, testInfra, uniqueSuffix } from '@platform/testing';
import { api, expectProblem, type ApiResponse } from './http-client';
import { createActiveTenant as createTenantActive } from './tenants';
import { startPlatform, stopCleanly, type Platform } from './platform.fixture';

/**
 * The whole platform as separate processes on the local Kafka and PostgreSQL: two gateways and
 * two command services, one of each other service. Two tenants that must never see each other.
 */
describe('walking skeleton: one request through every service, two tenants', () => {
  let platform: Platform;
  let gateways: readonly [RunningService, RunningService];
  let commandServices: readonly RunningService[];
  let admin: string;
  const token = (roles: string[], tenants: string[] = [], sub = 'e2e-user'): string =>
    platform.token(roles, tenants, sub);

  beforeAll(async () => {
    platform = await startPlatform(18_080, { gateways: 2, commandServices: 2 });
    const [first, second] = platform.gateways;
    if (!first || !second) throw new Error('two gateways expected');
    gateways = [first, second];
    commandServices = platform.commandServices;
    admin = token(['platform-admin'], [], 'e2e-admin');
  }, 180_000);

  afterAll(async () => {
    await stopCleanly(platform);
  }, 60_000);

  // Enterprise (the default): these tests send bursts per tenant that a free plan's rate limit would refuse.
  const createActiveTenant = (
    slug: string,
    isolation: 'shared' | 'schema' | 'dedicated' = 'schema',
  ): Promise<string> =>
    createTenantActive({ via: gateways[0].url, readVia: gateways[1].url, admin, slug, isolation });

  it('creates, extends and reads an order per tenant; tenants cannot see each other', async () => {
    const suffix = uniqueSuffix();
    const [tenantA, tenantB] = await Promise.all([
      createActiveTenant(`acme-${suffix}`),
      createActiveTenant(`globex-${suffix}`),
    ]);
    const alice = token(['member'], [tenantA], 'alice');
    const bob = token(['member'], [tenantB], 'bob');

    // Write through gateway 1 (the gateways learn of the activation from tenants.lifecycle).
    const created = await eventually(async () => {
      const response = await api(gateways[0].url, 'POST', '/v1/orders', {
        token: alice,
        body: { customerId: 'cust-1' },
      });
      expect(response.status).toBe(201);
      return response;
    });
    expect(created.body).toEqual({ orderId: expect.any(String), version: 1, position: expect.any(Number) });
    const orderId = String(created.body.orderId);
    expect(created.headers.get('location')).toBe(`/v1/orders/${orderId}`);

    // Extend it through gateway 2, naming the tenant by slug.
    const added = await api(gateways[1].url, 'POST', `/v1/orders/${orderId}/items`, {
      token: alice,
      tenant: `acme-${suffix}`,
      body: { sku: 'SKU-1', quantity: 3, unitPrice: { amount: '19.99', currency: 'EUR' } },
    });
    expect(added.status).toBe(200);
    expect(added.body).toEqual({ version: 2, position: expect.any(Number) });
    expect(Number(added.body.position)).toBeGreaterThan(Number(created.body.position));

    const order = await eventually(
      async () => {
        const response = await api(gateways[0].url, 'GET', `/v1/orders/${orderId}`, { token: alice });
        expect(response.status).toBe(200);
        expect(response.body.version).toBe(2);
        return response;
      },
      { what: 'order projected to version 2' },
    );
    expect(order.body).toMatchObject({
      id: orderId,
      customerId: 'cust-1',
      status: 'draft',
      totalAmount: '59.97',
      itemCount: 1,
      items: [{ sku: 'SKU-1', quantity: 3, unitPrice: { amount: '19.99', currency: 'EUR' } }],
    });
    expect(order.headers.get('etag')).toBe('"2"');
    expect(order.headers.get('x-trace-id')).toBeTruthy();

    // Tenant B: A's order is a 404 exactly like an unknown one; acting in A is a 403.
    await eventually(async () => {
      const ok = await api(gateways[1].url, 'POST', '/v1/orders', {
        token: bob,
        body: { customerId: 'cust-b' },
      });
      expect(ok.status).toBe(201);
    });
    const foreign = await api(gateways[1].url, 'GET', `/v1/orders/${orderId}`, { token: bob });
    const unknownId = '00000000-0000-4000-8000-000000000000';
    const unknown = await api(gateways[1].url, 'GET', `/v1/orders/${unknownId}`, { token: bob });
    expectProblem(foreign, 404, 'not-found');
    expectProblem(unknown, 404, 'not-found');
    const strip = (r: ApiResponse) => ({
      ...r.body,
      detail: String(r.body.detail).replace(/[0-9a-f-]{36}/, '<id>'),
      traceId: '',
      instance: '',
    });
    expect(strip(foreign)).toEqual(strip(unknown));
    expectProblem(
      await api(gateways[0].url, 'GET', `/v1/orders/${orderId}`, { token: bob, tenant: tenantA }),
      403,
      'tenant-forbidden',
    );
    expectProblem(
      await api(gateways[0].url, 'POST', `/v1/orders/${orderId}/items`, {
        token: bob,
        tenant: tenantA,
        body: { sku: 'SKU-2', quantity: 1, unitPrice: { amount: '1.00', currency: 'EUR' } },
      }),
      403,
      'tenant-forbidden',
    );
    // B cannot write into A's order through its own tenant either: there is no such order in B.
    expectProblem(
      await api(gateways[0].url, 'POST', `/v1/orders/${orderId}/items`, {
        token: bob,
        body: { sku: 'SKU-2', quantity: 1, unitPrice: { amount: '1.00', currency: 'EUR' } },
      }),
      404,
    );
    // A's order is untouched.
    expect((await api(gateways[0].url, 'GET', `/v1/orders/${orderId}`, { token: alice })).body.version).toBe(
      2,
    );
  });

  it.each(['shared', 'dedicated'] as const)('keeps %s-isolation tenants apart too', async (isolation) => {
    const suffix = uniqueSuffix();
    const [one, two] = await Promise.all([
      createActiveTenant(`${isolation}-one-${suffix}`, isolation),
      createActiveTenant(`${isolation}-two-${suffix}`, isolation),
    ]);
    const first = token(['member'], [one]);
    const second = token(['member'], [two]);
    const created = await eventually(async () => {
      const response = await api(gateways[0].url, 'POST', '/v1/orders', {
        token: first,
        body: { customerId: 'c' },
      });
      expect(response.status).toBe(201);
      return response;
    });
    const orderId = String(created.body.orderId);
    await eventually(async () => {
      expect((await api(gateways[1].url, 'GET', `/v1/orders/${orderId}`, { token: first })).status).toBe(200);
    });
    expectProblem(
      await api(gateways[1].url, 'GET', `/v1/orders/${orderId}`, { token: second }),
      404,
      'not-found',
    );
  });

  it('spreads commands over both command-service instances and both gateways', async () => {
    const tenant = await createActiveTenant(`load-${uniqueSuffix()}`);
    const member = token(['member'], [tenant]);
    await eventually(async () => {
      expect(
        (await api(gateways[0].url, 'POST', '/v1/orders', { token: member, body: { customerId: 'warmup' } }))
          .status,
      ).toBe(201);
    });
    const responses = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        api(gateways[i % 2 === 0 ? 0 : 1].url, 'POST', '/v1/orders', {
          token: member,
          body: { customerId: `c-${i}` },
        }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(24).fill(201));
    const handledBy = await Promise.all(
      commandServices.map(async (service) => {
        const metrics = await (await fetch(`${service.managementUrl}/metrics`)).text();
        const line = metrics
          .split('\n')
          .find(
            (l) =>
              l.startsWith('messaging_messages_total') &&
              l.includes('orders.commands') &&
              l.includes('outcome="ok"'),
          );
        return Number(line?.split(' ').pop() ?? 0);
      }),
    );
    expect(handledBy.every((count) => count > 0)).toBe(true);
  });

  it('serves /metrics on each management port, never on a public port', async () => {
    for (const gateway of gateways) {
      expectProblem(await api(gateway.url, 'GET', '/metrics'), 404, 'not-found');
      expect((await api(gateway.url, 'GET', '/health/ready')).status).toBe(200);
    }
    for (const service of platform.services) {
      const metrics = await fetch(`${service.managementUrl}/metrics`);
      expect({ service: service.name, status: metrics.status }).toEqual({
        service: service.name,
        status: 200,
      });
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(await metrics.text()).toMatch(/^process_cpu_seconds_total\{service="[a-z-]+"\} /m);
      expect((await api(service.managementUrl, 'GET', '/health/ready')).status).toBe(200);
      expectProblem(await api(service.managementUrl, 'GET', '/v1/orders'), 404, 'not-found');
    }
  });

  it('propagates trace context with no span exporter: X-Trace-Id is the trace of the event on Kafka', async () => {
    // this platform exports no spans (OTEL_TRACES_EXPORTER=none, as `npm start` without Jaeger)
    expect(platform.env.OTEL_TRACES_EXPORTER).toBe('none');
    const tenant = await createActiveTenant(`traced-${uniqueSuffix()}`);
    const member = token(['member'], [tenant]);
    const created = await eventually(async () => {
      const response = await api(gateways[0].url, 'POST', '/v1/orders', {
        token: member,
        body: { customerId: 'traced' },
      });
      expect(response.status).toBe(201);
      return response;
    });
    const traceId = created.headers.get('x-trace-id');
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const orderId = String(created.body.orderId);
    const kafka = new Kafka({
      clientId: `e2e-trace-${uniqueSuffix()}`,
      brokers: [...testInfra.kafkaBrokers],
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: `e2e-trace-${uniqueSuffix()}` });
    const headersOfOrder: Record<string, string>[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({
        topic: `${platform.env.KAFKA_TOPIC_PREFIX}orders.events`,
        fromBeginning: true,
      });
      await consumer.run({
        eachMessage: async ({ message }) => {
          if (message.key?.toString() !== orderId) return;
          headersOfOrder.push(
            Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
          );
        },
      });
      const [event] = await eventually(
        () => {
          expect(headersOfOrder.length).toBeGreaterThan(0);
          return headersOfOrder;
        },
        { timeoutMs: 30_000, what: "the order's event on orders.events" },
      );
      expect(event?.ce_type).toBe('orders.OrderCreated');
      expect(event?.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`));
    } finally {
      await consumer.disconnect();
    }
  });

  it("counts a tenant's commands and queries under its tenant label, logs each request, shows the projection's lag", async () => {
    const tenant = await createActiveTenant(`metrics-${uniqueSuffix()}`);
    const member = token(['member'], [tenant]);
    const gw = gateways[0];
    const created = await eventually(async () => {
      const response = await api(gw.url, 'POST', '/v1/orders', {
        token: member,
        body: { customerId: 'm-1' },
      });
      expect(response.status).toBe(201);
      return response;
    });
    await eventually(async () => {
      expect(
        (await api(gw.url, 'GET', `/v1/orders/${String(created.body.orderId)}`, { token: member })).status,
      ).toBe(200);
    });

    const metrics = (await (await fetch(`${gw.managementUrl}/metrics`)).text()).split('\n');
    const series = (name: string, ...labels: string[]): string[] =>
      metrics.filter((line) => line.startsWith(`${name}{`) && labels.every((label) => line.includes(label)));
    expect(
      series('gateway_commands_total', `tenant="${tenant}"`, 'route="/v1/orders"', 'outcome="ok"'),
    ).toHaveLength(1);
    expect(
      series('gateway_queries_total', `tenant="${tenant}"`, 'route="/v1/orders/:id"', 'outcome="ok"'),
    ).toHaveLength(1);
    expect(series('gateway_command_duration_seconds_count', `tenant="${tenant}"`)).not.toEqual([]);

    const projection = platform.services.find((service) => service.name.endsWith('-projection'));
    if (!projection) throw new Error('no projection service in the platform');
    await eventually(async () => {
      const text = await (await fetch(`${projection.managementUrl}/metrics`)).text();
      const lag = text
        .split('\n')
        .filter(
          (line) =>
            line.startsWith('messaging_consumer_lag_messages{') &&
            line.includes('projection-service.orders"'),
        );
      expect(lag.length).toBeGreaterThan(0);
      expect(lag.map((line) => Number(line.split(' ').pop()))).toEqual(lag.map(() => 0));
    });

    const logged = (await readFile(gw.logFile, 'utf8'))
      .split('\n')
      .filter((line) => line.includes('"msg":"request"') && line.includes(`"tenantId":"${tenant}"`))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 'info',
        method: 'POST',
        route: '/v1/orders',
        status: 201,
        traceId: created.headers.get('x-trace-id'),
      }),
    );
  });

  it('answers bad input with problem+json', async () => {
    const tenant = await createActiveTenant(`errors-${uniqueSuffix()}`);
    const member = token(['member'], [tenant]);
    const viewer = token(['viewer'], [tenant]);
    const gw = gateways[0].url;
    // The gateway learns of the activation from tenants.lifecycle a moment after the registry.
    await eventually(async () => {
      expect(
        (await api(gw, 'POST', '/v1/orders', { token: member, body: { customerId: 'warmup' } })).status,
      ).toBe(201);
    });
    expectProblem(await api(gw, 'POST', '/v1/orders', { body: { customerId: 'x' } }), 401, 'unauthorized');
    expectProblem(
      await api(gw, 'POST', '/v1/orders', { token: `${member}x`, body: { customerId: 'x' } }),
      401,
      'unauthorized',
    );
    expectProblem(
      await api(gw, 'POST', '/v1/orders', { token: viewer, body: { customerId: 'x' } }),
      403,
      'forbidden',
    );
    expectProblem(
      await api(gw, 'POST', '/v1/orders', { token: member, rawBody: '{"customerId":' }),
      400,
      'validation',
    );
    expectProblem(
      await api(gw, 'POST', '/v1/orders', {
        token: member,
        rawBody: 'customerId=x',
        contentType: 'text/plain',
      }),
      415,
    );
    expectProblem(
      await api(gw, 'POST', '/v1/orders', {
        token: member,
        rawBody: JSON.stringify({ customerId: 'x'.repeat(1_100_000) }),
      }),
      413,
    );
    const unknownField = await api(gw, 'POST', '/v1/orders', {
      token: member,
      body: { customerId: 'x', tenantId: tenant },
    });
    expectProblem(unknownField, 400, 'validation');
    expect(unknownField.body.errors).toEqual([{ path: '/tenantId', message: 'unknown field' }]);
    expectProblem(await api(gw, 'GET', '/v1/orders/not-a-uuid', { token: member }), 400, 'validation');
    expectProblem(
      await api(gw, 'POST', '/v1/tenants', { token: member, body: { slug: 'nope', name: 'n' } }),
      403,
      'forbidden',
    );
    expectProblem(
      await api(gw, 'POST', '/v1/tenants', { token: admin, body: { slug: 'Bad Slug', name: 'n' } }),
      400,
      'validation',
    );
  });
});
