import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type IHeaders, type Producer } from 'kafkajs';
import { Topics } from '@platform/contracts';
import { eventually, testInfra, uniqueSuffix, waitReady } from '@platform/testing';
import { api } from './http-client';
import { startPlatform, stopCleanly, type Platform } from './platform.fixture';

interface Garbage {
  readonly name: string;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
}

/** Headers that pass the CloudEvents checks, for the cases that break something else. */
function validHeaders(tenantId: string, type: string): IHeaders {
  return {
    ce_specversion: '1.0',
    ce_id: randomUUID(),
    ce_type: type,
    ce_source: 'hostile-kafka',
    ce_time: new Date().toISOString(),
    ce_subject: randomUUID(),
    ce_tenantid: tenantId,
    ce_correlationid: randomUUID(),
    ce_causationid: randomUUID(),
    ce_sequence: '1',
    ce_dataschemaversion: '1',
    'content-type': 'application/json',
  };
}

/** The malformed messages published to every consumed topic. */
function garbageFor(tenantId: string, type: string): Garbage[] {
  const valid = validHeaders(tenantId, type);
  const without = (name: string): IHeaders =>
    Object.fromEntries(Object.entries(valid).filter(([k]) => k !== name));
  return [
    { name: 'value not JSON', value: Buffer.from('{"truncated'), headers: valid },
    {
      name: 'value not UTF-8',
      value: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0xaf, 0x22, 0x7d]),
      headers: valid,
    },
    { name: 'no headers at all', value: Buffer.from('{}'), headers: {} },
    { name: 'no ce_tenantid', value: Buffer.from('{}'), headers: without('ce_tenantid') },
    {
      name: 'ce_tenantid not a UUID',
      value: Buffer.from('{}'),
      headers: { ...valid, ce_tenantid: 'not-a-tenant' },
    },
    {
      name: 'ce_tenantid not UTF-8',
      value: Buffer.from('{}'),
      headers: { ...valid, ce_tenantid: Buffer.from([0xff, 0xfe, 0x00]) },
    },
    {
      name: 'ce_tenantid repeated with two tenants',
      value: Buffer.from('{}'),
      headers: { ...valid, ce_tenantid: [tenantId, randomUUID()] },
    },
    { name: 'ce_type repeated', value: Buffer.from('{}'), headers: { ...valid, ce_type: [type, 'Other'] } },
    { name: 'no ce_type', value: Buffer.from('{}'), headers: without('ce_type') },
    { name: 'no ce_id', value: Buffer.from('{}'), headers: without('ce_id') },
    { name: 'an unknown tenant', value: Buffer.from('{}'), headers: { ...valid, ce_tenantid: randomUUID() } },
    { name: 'an unknown type', value: Buffer.from('{}'), headers: { ...valid, ce_type: 'NoSuchThing' } },
    { name: 'data violating the schema', value: Buffer.from('{"orderId":42,"items":"x"}'), headers: valid },
    { name: 'a null value', value: null, headers: valid },
    { name: 'a JSON array', value: Buffer.from('[1,2,3]'), headers: valid },
    {
      name: 'huge numbers',
      value: Buffer.from('{"quantity":1e400,"amount":18446744073709551616}'),
      headers: valid,
    },
    {
      name: '10,000 levels of nesting',
      value: Buffer.from(`${'['.repeat(10_000)}${']'.repeat(10_000)}`),
      headers: valid,
    },
    { name: 'a U+0000 in a string', value: Buffer.from('{"customerId":"a\\u0000b"}'), headers: valid },
    {
      name: 'a huge value (500 KB)',
      value: Buffer.from(JSON.stringify({ customerId: 'x'.repeat(500_000) })),
      headers: valid,
    },
    { name: 'ce_sequence not a number', value: Buffer.from('{}'), headers: { ...valid, ce_sequence: 'NaN' } },
  ];
}

/**
 * What no consumer can read (not JSON, not UTF-8, headers missing, ambiguous or malformed, nesting
 * past the limit, U+0000): the shared decoding dead-letters these on every topic, before any
 * handler. The others (an unknown type, data off the schema, a tenant nobody knows) reach the
 * handlers, which dead-letter, park or skip them as their topic's contract says; for those the
 * test asks that nothing dies and that later messages are still processed.
 */
const UNREADABLE: readonly string[] = [
  'value not JSON',
  'value not UTF-8',
  'no headers at all',
  'no ce_tenantid',
  'ce_tenantid not a UUID',
  'ce_tenantid not UTF-8',
  'ce_tenantid repeated with two tenants',
  'ce_type repeated',
  'no ce_type',
  'no ce_id',
  'ce_sequence not a number',
  '10,000 levels of nesting',
  'a U+0000 in a string',
];

/** The topics a service consumes, with a message type its consumers know. */
const CONSUMED: readonly (readonly [string, string])[] = [
  [Topics.ordersCommands, 'CreateOrder'],
  [Topics.inventoryCommands, 'ReserveStock'],
  [Topics.paymentsCommands, 'AuthorizePayment'],
  [Topics.ordersEvents, 'OrderCreated'],
  [Topics.inventoryEvents, 'StockReserved'],
  [Topics.paymentsEvents, 'PaymentAuthorized'],
  [Topics.tenantsLifecycle, 'TenantCreated'],
  [Topics.tenantsApiKeys, 'ApiKeyCreated'],
];

/**
 * Issue 9: malformed messages on every topic a service consumes. Every unreadable one ends in the
 * topic's DLQ with the reason in `dlq_*` headers, no service dies or leaves a promise unhandled,
 * and later valid messages are still processed.
 */
describe('hostile Kafka messages on every consumed topic', () => {
  let platform: Platform;
  let gw: string;
  let kafka: Kafka;
  let producer: Producer;
  let prefix: string;
  let tenantId = '';
  let member = '';
  /** Per topic: the names of the cases sent to it. */
  const sent = new Map<string, { names: string[] }>();

  beforeAll(async () => {
    platform = await startPlatform(13_080);
    gw = platform.gateways[0]?.url ?? '';
    prefix = platform.env.KAFKA_TOPIC_PREFIX ?? '';
    kafka = new Kafka({
      clientId: 'hostile-kafka',
      brokers: testInfra.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const adminToken = platform.token(['platform-admin']);
    const slug = `hk-${uniqueSuffix()}`;
    const created = await api(gw, 'POST', '/v1/tenants', {
      token: adminToken,
      body: { slug, name: slug, plan: 'enterprise' },
    });
    tenantId = String(created.body.id);
    member = platform.token(['member'], [tenantId]);
    await eventually(async () => {
      const r = await api(gw, 'POST', '/v1/orders', { token: member, body: { customerId: 'before' } });
      expect(r.status).toBe(201);
    });
  }, 240_000);

  afterAll(async () => {
    await producer?.disconnect();
    await stopCleanly(platform);
  }, 60_000);

  it('publishes garbage to every consumed topic', async () => {
    for (const [base, type] of CONSUMED) {
      const topic = `${prefix}${base}`;
      const key = `hostile-${uniqueSuffix()}`;
      const garbage = garbageFor(tenantId, type);
      const results = await producer.send({
        topic,
        messages: garbage.map((g) => ({ key, value: g.value, headers: { ...g.headers, fuzz_case: g.name } })),
      });
      expect(results.length).toBeGreaterThan(0);
      sent.set(topic, { names: garbage.map((g) => g.name) });
    }
  }, 60_000);

  it('dead-letters every malformed message with its reason', async () => {
    const consumer = kafka.consumer({ groupId: `hostile-kafka-check-${uniqueSuffix()}` });
    const seen = new Map<string, Set<string>>();
    await consumer.connect();
    await consumer.subscribe({ topics: [...sent.keys()].map((t) => `${t}.dlq`), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const kase = message.headers?.fuzz_case?.toString();
        const reason = message.headers?.dlq_reason?.toString();
        if (kase === undefined || reason === undefined) return;
        const key = `${topic.replace(/\.dlq$/, '')} — ${kase}`;
        seen.set(key, (seen.get(key) ?? new Set()).add(reason));
      },
    });
    try {
      await eventually(
        () => {
          const missing = [...sent].flatMap(([topic, { names }]) =>
            names
              .filter((name) => UNREADABLE.includes(name) && !seen.has(`${topic} — ${name}`))
              .map((name) => `${topic} — ${name}`),
          );
          expect(missing).toEqual([]);
        },
        { timeoutMs: 60_000, intervalMs: 1_000, what: 'every unreadable message dead-lettered' },
      );
    } finally {
      process.stdout.write(
        `dead-lettered:\n${[...seen].map(([k, reasons]) => `  ${k}: ${[...reasons].join(', ')}`).join('\n')}\n`,
      );
      await consumer.disconnect();
    }
  }, 90_000);

  it('still processes valid messages afterwards, and no service died or lost a promise', async () => {
    for (const service of platform.services) expect(service.process.exitCode).toBeNull();
    for (const service of platform.services) await waitReady(service, 10_000);
    for (const service of platform.services) {
      expect(readFileSync(service.logFile, 'utf8')).not.toMatch(
        /nobody handled it|an exception nobody caught|Maximum call stack|TimeoutNegativeWarning/,
      );
    }
    const created = await api(gw, 'POST', '/v1/orders', { token: member, body: { customerId: 'after' } });
    expect(created.status).toBe(201);
    const orderId = String(created.body.orderId);
    await eventually(async () =>
      expect((await api(gw, 'GET', `/v1/orders/${orderId}`, { token: member })).status).toBe(200),
    );
  }, 60_000);
});
