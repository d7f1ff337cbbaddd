import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import pino from 'pino';
import { dlqTopic, headerText, type CommandReply } from '@platform/contracts';
import { TenantContextStore, type TenantContext } from '@platform/tenancy';
import {
  deleteTopicsWithPrefix,
  eventually,
  installTestTracing,
  testInfra,
  uniqueSuffix,
} from '@platform/testing';
import { KafkaMessaging } from './kafka-messaging';
import type { ConsumedMessage } from './consumer/consumed-message';
import { fromCurrentContext } from './outgoing';

const logger = pino({ level: 'silent' });
const spans = installTestTracing();
const TENANT_A = '11111111-1111-4111-8111-111111111111';

const contextOf = (tenantId: string): TenantContext => ({
  tenantId,
  actor: 'user-1',
  roles: ['member'],
  correlationId: `corr-${uniqueSuffix()}`,
  causationId: randomUUID(),
});

describe('KafkaMessaging on a real broker', () => {
  const prefix = `it-${uniqueSuffix()}.`;
  let messaging: KafkaMessaging;
  const raw = new Kafka({ clientId: 'it-raw', brokers: testInfra.kafkaBrokers, logLevel: logLevel.NOTHING });
  const rawConsumers: Consumer[] = [];

  beforeAll(async () => {
    messaging = await KafkaMessaging.connect(
      { brokers: testInfra.kafkaBrokers, clientId: 'it', topicPrefix: prefix, service: 'it-service' },
      logger,
    );
  });

  afterAll(async () => {
    await Promise.all(rawConsumers.map((c) => c.disconnect()));
    await messaging.close();
    await deleteTopicsWithPrefix(prefix);
  });

  async function readAll(topic: string): Promise<KafkaMessage[]> {
    const received: KafkaMessage[] = [];
    const consumer = raw.consumer({ groupId: `it-reader-${uniqueSuffix()}`, maxWaitTimeInMs: 100 });
    rawConsumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message) });
    return received;
  }

  it('delivers data, CloudEvents headers and the tenant context to the handler', async () => {
    const topic = messaging.topic('orders.events');
    const received: { message: ConsumedMessage; context: TenantContext | undefined }[] = [];
    await messaging.subscribe({
      groupId: `${prefix}g1`,
      topics: [topic],
      handler: async (message) => void received.push({ message, context: TenantContextStore.current() }),
    });

    const sender = contextOf(TENANT_A);
    const outgoing = TenantContextStore.run(sender, () =>
      fromCurrentContext({
        topic,
        type: 'orders.OrderCreated',
        subject: 'order-42',
        value: { orderId: 'order-42', customerId: 'c-1' },
        source: '/it-service',
        dataSchemaVersion: 1,
        sequence: 1,
      }),
    );
    await messaging.publish([outgoing]);

    const [{ message, context }] = await eventually(() => {
      expect(received).toHaveLength(1);
      return received as [(typeof received)[number]];
    });
    expect(message.key).toBe('order-42');
    expect(message.value).toEqual({ orderId: 'order-42', customerId: 'c-1' });
    expect(message.attributes).toMatchObject({
      id: outgoing.attributes.id,
      type: 'orders.OrderCreated',
      source: '/it-service',
      subject: 'order-42',
      tenantId: TENANT_A,
      correlationId: sender.correlationId,
      causationId: sender.causationId,
      actor: 'user-1',
      sequence: 1,
      dataSchemaVersion: 1,
    });
    expect(message.attributes.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    // The consumer's span continues the producer's trace, across Kafka.
    const producerSpan = spans.getFinishedSpans().find((s) => s.name === `send ${topic}`);
    const consumerSpan = await eventually(() => {
      const found = spans.getFinishedSpans().find((s) => s.name === `process ${topic}`);
      expect(spans.getFinishedSpans().map((s) => s.name)).toContain(`process ${topic}`);
      return found;
    });
    expect(consumerSpan?.spanContext().traceId).toBe(producerSpan?.spanContext().traceId);
    expect(consumerSpan?.attributes['tenant.id']).toBe(TENANT_A);
    // The handler runs in the message's tenant; what it causes is caused by this message.
    expect(context).toMatchObject({
      tenantId: TENANT_A,
      correlationId: sender.correlationId,
      causationId: outgoing.attributes.id,
    });
  });

  it('sends a message without a tenant to the DLQ, never to the handler', async () => {
    const topic = messaging.topic('inventory.events');
    const handled: ConsumedMessage[] = [];
    await messaging.subscribe({
      groupId: `${prefix}g2`,
      topics: [topic],
      handler: async (m) => void handled.push(m),
    });

    const producer = raw.producer();
    await producer.connect();
    const valid = TenantContextStore.run(contextOf(TENANT_A), () =>
      fromCurrentContext({
        topic,
        type: 'inventory.StockAdded',
        subject: 'sku-1',
        value: { n: 1 },
        source: '/raw',
        dataSchemaVersion: 1,
      }),
    );
    const headers = {
      ce_specversion: '1.0',
      ce_id: randomUUID(),
      ce_type: 'inventory.StockAdded',
      ce_source: '/raw',
      ce_time: new Date().toISOString(),
      ce_subject: 'sku-1',
      ce_correlationid: 'c',
      ce_causationid: 'c',
    };
    await producer.send({ topic, messages: [{ key: 'sku-1', value: '{"n":0}', headers }] });
    await producer.send({
      topic,
      messages: [{ key: 'sku-1', value: '{"n":0}', headers: { ...headers, ce_tenantid: 'acme' } }],
    });
    await producer.disconnect();
    await messaging.publish([valid]);

    const dead = await readAll(dlqTopic(topic));
    await eventually(() => expect(dead).toHaveLength(2), { what: 'two dead letters' });
    await eventually(() => expect(handled).toHaveLength(1), { what: 'the valid message handled' });
    expect(handled[0]?.attributes.id).toBe(valid.attributes.id);
    expect(dead.map((m) => headerText(m.headers?.dlq_reason))).toEqual([
      'invalid-headers',
      'invalid-headers',
    ]);
    expect(headerText(dead[0]?.headers?.dlq_error)).toContain('ce_tenantid: missing');
    expect(headerText(dead[1]?.headers?.dlq_error)).toContain('ce_tenantid: not a UUID');
    expect(headerText(dead[0]?.headers?.dlq_original_topic)).toBe(topic);
    expect(dead[0]?.value?.toString()).toBe('{"n":0}');
  });

  it('dead-letters a message whose handler keeps failing, after its retries', async () => {
    const topic = messaging.topic('payments.events');
    let attempts = 0;
    await messaging.subscribe({
      groupId: `${prefix}g3`,
      topics: [topic],
      maxAttempts: 3,
      retryBackoffMs: 5,
      handler: async () => {
        attempts++;
        throw new Error('boom');
      },
    });
    const message = TenantContextStore.run(contextOf(TENANT_A), () =>
      fromCurrentContext({
        topic,
        type: 'payments.PaymentTaken',
        subject: 'p-1',
        value: {},
        source: '/it',
        dataSchemaVersion: 1,
      }),
    );
    await messaging.publish([message]);
    const dead = await readAll(dlqTopic(topic));
    await eventually(() => expect(dead).toHaveLength(1), { what: 'dead letter' });
    expect(attempts).toBe(3);
    expect(headerText(dead[0]?.headers?.dlq_reason)).toBe('handler-failed');
    expect(headerText(dead[0]?.headers?.dlq_attempts)).toBe('3');
    expect(headerText(dead[0]?.headers?.ce_id)).toBe(message.attributes.id);
  });

  it('answers a request on the requester’s own reply topic', async () => {
    const topic = messaging.topic('orders.commands');
    await messaging.subscribe({
      groupId: `${prefix}g4`,
      topics: [topic],
      handler: async (request) => messaging.reply(request, { ok: true, result: { echoed: request.value } }),
    });
    const listener = await messaging.listenForReplies(messaging.topic(`replies.it.${uniqueSuffix()}`));
    const command = TenantContextStore.run(contextOf(TENANT_A), () =>
      fromCurrentContext({
        topic,
        type: 'orders.CreateOrder',
        subject: 'o-1',
        value: { hello: 'world' },
        source: '/it',
        dataSchemaVersion: 1,
      }),
    );
    const reply: CommandReply = await messaging.request(listener, command, 10_000);
    expect(reply).toEqual({ ok: true, result: { echoed: { hello: 'world' } } });
    expect(listener.pending).toBe(0);
  });
  it('commits offsets at most once per interval, and what is finished at a graceful stop', async () => {
    const topic = messaging.topic(`commits-${uniqueSuffix()}`);
    const groupId = `${prefix}commits`;
    const admin = raw.admin();
    await admin.connect();
    const committed = async () =>
      (await admin.fetchOffsets({ groupId, topics: [topic] }))
        .flatMap((t) => t.partitions)
        .reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    const send = (n: number) =>
      TenantContextStore.run(contextOf(TENANT_A), () =>
        messaging.publish(
          Array.from({ length: n }, (_, i) =>
            fromCurrentContext({
              topic,
              type: 'it.Counted',
              subject: `k-${i}`,
              value: { i },
              source: '/it-service',
              dataSchemaVersion: 1,
            }),
          ),
        ),
      );
    try {
      const first: number[] = [];
      const subscription = await messaging.subscribe(
        {
          groupId,
          topics: [topic],
          handler: async (m) => void first.push((m.value as { i: number }).i),
          commitIntervalMs: 60_000,
        },
        2,
      );
      await send(10);
      await eventually(() => expect(first).toHaveLength(10));
      // within the interval: handled, not committed yet (kafkajs alone commits after every batch)
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await committed()).toBe(0);
      await subscription.stop();
      expect(await committed()).toBe(10);

      // the group's next consumer starts after them: only new messages
      const second: number[] = [];
      await messaging.subscribe(
        { groupId, topics: [topic], handler: async (m) => void second.push((m.value as { i: number }).i) },
        2,
      );
      await send(3);
      await eventually(() => expect(second).toHaveLength(3));
      expect(second.sort()).toEqual([0, 1, 2]);
    } finally {
      await admin.disconnect();
    }
  });
});
