import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { encodeCloudEventHeaders, Topics } from '@platform/contracts';
import { eventually, testInfra, uniqueSuffix } from '@platform/testing';
import { api } from './http-client';
import { startPlatform, stopCleanly, type Platform } from './platform.fixture';

// A poison event on orders.events, through the whole platform and the built `tenantctl`: the order
// is parked (its next real event waits), the DLQ holds the poison, and an operator lists, shows and
// replays the DLQ message and skips the poison; the order then moves on. ADR 0021.

const exec = promisify(execFile);
const CLI = path.resolve(__dirname, '../../../dist/apps/tenantctl/src/main.js');

describe('poison messages: parked aggregates and DLQs with tenantctl', () => {
  let platform: Platform;
  let gw: string;
  let projectionUrl: string;
  let admin: string;

  beforeAll(async () => {
    platform = await startPlatform(29_080);
    gw = platform.gateways[0]?.url ?? '';
    projectionUrl = platform.services.find((s) => s.name.endsWith('-projection'))?.url ?? '';
    admin = platform.sign({ sub: 'ops-e2e', roles: ['platform-admin'] });
  }, 240_000);

  afterAll(async () => {
    await stopCleanly(platform);
  }, 60_000);

  async function tenantctl(...args: string[]): Promise<{ code: number; out: unknown }> {
    try {
      const { stdout } = await exec(process.execPath, [CLI, ...args], {
        env: {
          ...process.env,
          TENANTFLOW_URL: gw,
          TENANTFLOW_PROJECTION_URL: projectionUrl,
          TENANTFLOW_TOKEN: admin,
        },
      });
      return { code: 0, out: JSON.parse(stdout) };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? -1, out: failed.stderr ?? failed.stdout };
    }
  }

  it('parks the order behind the poison, and tenantctl shows, replays and skips', async () => {
    const slug = `poison-${uniqueSuffix()}`;
    const created = await api(gw, 'POST', '/v1/tenants', { token: admin, body: { slug, name: slug } });
    expect(created.status).toBe(202);
    const tenantId = String(created.body.id);
    await eventually(async () =>
      expect((await api(gw, 'GET', `/v1/tenants/${tenantId}`, { token: admin })).body.status).toBe('active'),
    );
    const member = platform.sign({ sub: 'm', roles: ['member'], tenants: [tenantId] });
    const order = await eventually(async () => {
      const r = await api(gw, 'POST', '/v1/orders', { token: member, body: { customerId: 'c' } });
      expect(r.status).toBe(201);
      return String(r.body.orderId);
    });
    await eventually(async () =>
      expect((await api(gw, 'GET', `/v1/orders/${order}`, { token: member })).status).toBe(200),
    );

    // a poison event of the order on its topic: data the projection refuses (a negative quantity)
    const poisonId = randomUUID();
    const producer = new Kafka({
      clientId: 'e2e-poison',
      brokers: testInfra.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
    await producer.send({
      topic: `${platform.env.KAFKA_TOPIC_PREFIX}${Topics.ordersEvents}`,
      messages: [
        {
          key: order,
          value: JSON.stringify({
            orderId: order,
            sku: 'BAD',
            quantity: -1,
            unitPrice: { amount: '1.00', currency: 'EUR' },
          }),
          headers: encodeCloudEventHeaders({
            id: poisonId,
            type: 'orders.OrderItemAdded',
            source: '/e2e',
            time: new Date().toISOString(),
            subject: order,
            tenantId,
            correlationId: randomUUID(),
            causationId: randomUUID(),
            dataSchemaVersion: 1,
            sequence: 2,
          }),
        },
      ],
    });
    await producer.disconnect();

    const parked = await eventually(
      async () => {
        const listed = await tenantctl('parked', 'list', '--tenant', slug);
        expect(listed.out).toMatchObject({
          aggregates: [{ aggregateId: order, first: { eventId: poisonId } }],
        });
        return listed;
      },
      { what: 'the order parked' },
    );
    expect(parked.code).toBe(0);

    // the order's next real event waits behind the poison
    const item = await api(gw, 'POST', `/v1/orders/${order}/items`, {
      token: member,
      body: { sku: 'GOOD', quantity: 1, unitPrice: { amount: '2.00', currency: 'EUR' } },
    });
    expect(item.status).toBe(200);
    await eventually(
      async () => {
        const shown = await tenantctl('parked', 'show', tenantId, order);
        expect((shown.out as { messages: unknown[] }).messages).toHaveLength(2);
      },
      { what: 'the real item parked behind the poison' },
    );
    expect((await api(gw, 'GET', `/v1/orders/${order}`, { token: member })).body.itemCount).toBe(0);

    // the DLQ, through tenantctl
    const dlq = await eventually(
      async () => {
        const listed = await tenantctl('dlq', 'list', Topics.ordersEvents);
        const found = (
          listed.out as {
            messages: {
              partition: number;
              offset: string;
              headers: Record<string, string>;
              failure: Record<string, string>;
            }[];
          }
        ).messages.find((m) => m.headers.ce_id === poisonId);
        expect(found?.failure).toMatchObject({
          reason: 'invalid-payload',
          error: expect.stringContaining('quantity'),
        });
        return found!;
      },
      { what: 'the poison in the DLQ' },
    );
    const shown = await tenantctl('dlq', 'show', Topics.ordersEvents, String(dlq.partition), dlq.offset);
    expect(shown.out).toMatchObject({ key: order, headers: { ce_id: poisonId, ce_tenantid: tenantId } });
    const replayed = await tenantctl('dlq', 'replay', Topics.ordersEvents, String(dlq.partition), dlq.offset);
    expect(replayed).toMatchObject({ code: 0, out: { key: order, eventId: poisonId } });

    // a replay cannot fix bad data: still parked, exit 1; a skip drops it and applies the real item
    expect((await tenantctl('parked', 'replay', tenantId, order)).code).toBe(1);
    const skipped = await tenantctl('parked', 'skip', slug, order);
    expect(skipped).toMatchObject({ code: 0, out: { status: 'unparked', skipped: poisonId, remaining: 0 } });
    const after = await api(gw, 'GET', `/v1/orders/${order}`, { token: member });
    expect(after.body).toMatchObject({ itemCount: 1, items: [expect.objectContaining({ sku: 'GOOD' })] });

    // audited, in the tenant's chain, with the operator as actor
    const audit = await api(gw, 'GET', `/v1/tenants/${tenantId}/audit`, { token: admin });
    const actions = (audit.body.records as { action: string; actor: string }[])
      .filter((r) => r.actor === 'ops-e2e')
      .map((r) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining(['dlq.replay', 'projection.parked.replay', 'projection.parked.skip']),
    );
    expect(audit.body.verification).toMatchObject({ valid: true });
  });
});
