import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import pino from 'pino';
import { dlqTopic, headerText } from '@platform/contracts';
import { TenantContextStore, type TenantContext } from '@platform/tenancy';
import { deleteTopicsWithPrefix, eventually, testInfra, uniqueSuffix } from '@platform/testing';
import { NonRetriableError, type BatchContext, type ConsumedMessage } from './consumer/consumed-message';
import { KafkaMessaging } from './kafka-messaging';
import { fromCurrentContext, type OutgoingMessage } from './outgoing';

// Batch mode of a subscription (`batchHandler`) on a real broker.

const logger = pino({ level: 'silent' });
const TENANT_A = '11111111-1111-4111-8111-111111111111';
const TENANT_B = '22222222-2222-4222-8222-222222222222';

interface Sent {
  readonly key: string;
  readonly n: number;
  readonly poison?: 'retriable' | 'non-retriable';
}

interface Call {
  readonly messages: readonly ConsumedMessage<Sent>[];
  readonly context: BatchContext;
  readonly ambient: TenantContext | undefined;
  readonly ok: boolean;
}

const contextOf = (tenantId: string): TenantContext => ({
  tenantId,
  actor: 'user-1',
  roles: [],
  correlationId: `corr-${uniqueSuffix()}`,
  causationId: randomUUID(),
});

describe('KafkaMessaging batch mode on a real broker', () => {
  const prefix = `it-batch-${uniqueSuffix()}.`;
  let messaging: KafkaMessaging;
  const raw = new Kafka({ clientId: 'it-raw', brokers: testInfra.kafkaBrokers, logLevel: logLevel.NOTHING });
  const rawConsumers: Consumer[] = [];

  beforeAll(async () => {
    messaging = await KafkaMessaging.connect(
      { brokers: testInfra.kafkaBrokers, clientId: 'it-batch', topicPrefix: prefix, service: 'it-service' },
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

  const message = (topic: string, tenantId: string, sent: Sent): OutgoingMessage =>
    TenantContextStore.run(contextOf(tenantId), () =>
      fromCurrentContext({
        topic,
        type: 'it.Happened',
        subject: sent.key,
        value: sent,
        source: '/it-service',
        dataSchemaVersion: 1,
      }),
    );

  /** One partition, filled before the group joins: the first fetch holds every message. */
  async function preparedTopic(name: string): Promise<string> {
    const topic = messaging.topic(`${name}-${uniqueSuffix()}`);
    await messaging.ensureTopics([{ topic, partitions: 1 }], true);
    return topic;
  }

  /** A batch handler recording its calls; it throws for a batch holding a poison message. */
  function recordingHandler(calls: Call[]) {
    return async (messages: readonly ConsumedMessage[], context: BatchContext) => {
      const typed = messages as readonly ConsumedMessage<Sent>[];
      const poison = typed.find((m) => m.value.poison !== undefined)?.value.poison;
      calls.push({ messages: typed, context, ambient: TenantContextStore.current(), ok: !poison });
      if (poison === 'retriable') throw new Error('poison');
      if (poison === 'non-retriable') throw new NonRetriableError('not a valid it.Happened');
    };
  }
  const handledKeys = (calls: readonly Call[]) =>
    calls.filter((c) => c.ok).flatMap((c) => c.messages.map((m) => `${m.value.key}:${m.value.n}`));

  it('paces batches under load (minBatchIntervalMs) and hands over a lone message after a quiet spell at once', async () => {
    const topic = await preparedTopic('paced');
    const calls: { readonly at: number; readonly count: number }[] = [];
    await messaging.subscribe({
      groupId: `${prefix}paced`,
      topics: [topic],
      minBatchIntervalMs: 300,
      batchHandler: async (messages) => {
        calls.push({ at: performance.now(), count: messages.length });
      },
    });

    // a steady trickle for about 1.5 s (longer on a busy box): one message every 10 ms
    const trickleStarted = performance.now();
    for (let n = 0; n < 150; n += 1) {
      await messaging.publish([message(topic, TENANT_A, { key: 'k', n })]);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await eventually(() => expect(calls.reduce((sum, c) => sum + c.count, 0)).toBe(150), {
      what: 'the trickle handled',
    });
    const trickleMs = performance.now() - trickleStarted;
    const gaps = calls.slice(1).map((call, i) => call.at - calls[i]!.at);
    // never two batches closer than the interval (a little timer slack allowed), so few and full:
    // one per interval the trickle lasted, and the last one after it
    expect(Math.min(...gaps)).toBeGreaterThan(280);
    expect(calls.length).toBeLessThanOrEqual(Math.ceil(trickleMs / 300) + 1);
    expect(calls.length).toBeLessThan(150 / 4);

    await new Promise((resolve) => setTimeout(resolve, 600)); // quiet
    const sent = performance.now();
    await messaging.publish([message(topic, TENANT_A, { key: 'k', n: 150 })]);
    await eventually(() => expect(calls.reduce((sum, c) => sum + c.count, 0)).toBe(151), {
      what: 'the lone message handled',
    });
    expect(calls.at(-1)!.at - sent).toBeLessThan(250);
  });

  it('hands a batch of several tenants to the handler, with no ambient tenant, after dead-lettering an invalid header', async () => {
    const topic = await preparedTopic('mixed');
    const sent = [
      message(topic, TENANT_A, { key: 'a', n: 1 }),
      message(topic, TENANT_B, { key: 'b', n: 1 }),
      message(topic, TENANT_A, { key: 'a', n: 2 }),
    ];
    await messaging.publish(sent.slice(0, 2));
    const producer = raw.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        {
          key: 'a',
          value: '{"key":"a","n":0}',
          headers: { ce_specversion: '1.0', ce_id: randomUUID(), ce_type: 'it.Happened', ce_source: '/raw' },
        },
      ],
    });
    await producer.disconnect();
    await messaging.publish(sent.slice(2));

    const calls: Call[] = [];
    await messaging.subscribe({
      groupId: `${prefix}mixed`,
      topics: [topic],
      batchHandler: recordingHandler(calls),
    });

    const dead = await readAll(dlqTopic(topic));
    await eventually(() => expect(handledKeys(calls)).toHaveLength(3), {
      what: 'the valid messages handled',
    });
    await eventually(() => expect(dead).toHaveLength(1), { what: 'the invalid one dead-lettered' });
    expect(headerText(dead[0]?.headers?.dlq_reason)).toBe('invalid-headers');
    expect(headerText(dead[0]?.headers?.dlq_error)).toContain('ce_tenantid: missing');
    // one call, both tenants, each message with its own tenant, and no tenant around the call
    expect(calls).toHaveLength(1);
    const [call] = calls as [Call];
    expect(call.context).toMatchObject({ topic, partition: 0, attempt: 1, isolated: false });
    expect(call.ambient).toBeUndefined();
    expect(call.messages.map((m) => [m.value.key, m.value.n, m.attributes.tenantId])).toEqual([
      ['a', 1, TENANT_A],
      ['b', 1, TENANT_B],
      ['a', 2, TENANT_A],
    ]);
    expect(call.messages.map((m) => m.attributes.id)).toEqual(sent.map((m) => m.attributes.id));
  });

  it('retries a failing batch, then dead-letters the poison message alone; the rest is handled in key order and committed', async () => {
    const topic = await preparedTopic('poison');
    const groupId = `${prefix}poison`;
    const sent = [
      message(topic, TENANT_A, { key: 'a', n: 1 }),
      message(topic, TENANT_B, { key: 'b', n: 1 }),
      message(topic, TENANT_A, { key: 'a', n: 2, poison: 'retriable' }),
      message(topic, TENANT_B, { key: 'b', n: 2 }),
      message(topic, TENANT_A, { key: 'a', n: 3 }),
    ];
    await messaging.publish(sent);
    const calls: Call[] = [];
    const subscription = await messaging.subscribe({
      groupId,
      topics: [topic],
      batchHandler: recordingHandler(calls),
      maxAttempts: 3,
      retryBackoffMs: 5,
      commitIntervalMs: 60_000,
    });

    const dead = await readAll(dlqTopic(topic));
    await eventually(() => expect(handledKeys(calls)).toHaveLength(4), { what: 'the good messages handled' });
    await eventually(() => expect(dead).toHaveLength(1), { what: 'the poison message dead-lettered' });
    expect(headerText(dead[0]?.headers?.ce_id)).toBe(sent[2]?.attributes.id);
    expect(headerText(dead[0]?.headers?.dlq_reason)).toBe('handler-failed');
    expect(headerText(dead[0]?.headers?.dlq_attempts)).toBe('3');
    // the whole batch three times, then one message a call: the poison one three times
    const whole = calls.filter((c) => !c.context.isolated);
    expect(whole.map((c) => [c.messages.length, c.context.attempt])).toEqual([
      [5, 1],
      [5, 2],
      [5, 3],
    ]);
    const isolated = calls.filter((c) => c.context.isolated);
    expect(isolated.every((c) => c.messages.length === 1 && c.ambient === undefined)).toBe(true);
    expect(isolated.filter((c) => !c.ok).map((c) => c.context.attempt)).toEqual([1, 2, 3]);
    // each key's good messages in offset order, a's after the gap left by the poison one too
    const handled = handledKeys(calls);
    expect(handled.filter((k) => k.startsWith('a:'))).toEqual(['a:1', 'a:3']);
    expect(handled.filter((k) => k.startsWith('b:'))).toEqual(['b:1', 'b:2']);

    // every message is done with (handled or dead-lettered): all committed at the graceful stop,
    // and the group's next consumer gets only what comes after
    const admin = raw.admin();
    await admin.connect();
    try {
      await subscription.stop();
      const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
      expect(offsets[0]?.partitions).toEqual([expect.objectContaining({ partition: 0, offset: '5' })]);
    } finally {
      await admin.disconnect();
    }
    const next: Call[] = [];
    await messaging.subscribe({ groupId, topics: [topic], batchHandler: recordingHandler(next) });
    await messaging.publish([message(topic, TENANT_B, { key: 'b', n: 3 })]);
    await eventually(() => expect(handledKeys(next)).toEqual(['b:3']), { what: 'only the new message' });
  });

  it('handles a batch one by one at once when the handler calls a message non-retriable', async () => {
    const topic = await preparedTopic('invalid');
    const sent = [
      message(topic, TENANT_A, { key: 'a', n: 1 }),
      message(topic, TENANT_B, { key: 'b', n: 1, poison: 'non-retriable' }),
      message(topic, TENANT_A, { key: 'a', n: 2 }),
    ];
    await messaging.publish(sent);
    const calls: Call[] = [];
    await messaging.subscribe({
      groupId: `${prefix}invalid`,
      topics: [topic],
      batchHandler: recordingHandler(calls),
      maxAttempts: 3,
      retryBackoffMs: 5,
    });

    const dead = await readAll(dlqTopic(topic));
    await eventually(() => expect(handledKeys(calls)).toEqual(['a:1', 'a:2']), { what: 'the good ones' });
    await eventually(() => expect(dead).toHaveLength(1), { what: 'the invalid one dead-lettered' });
    expect(headerText(dead[0]?.headers?.ce_id)).toBe(sent[1]?.attributes.id);
    expect(headerText(dead[0]?.headers?.dlq_reason)).toBe('invalid-payload');
    expect(headerText(dead[0]?.headers?.dlq_attempts)).toBe('1');
    expect(calls.filter((c) => !c.context.isolated)).toHaveLength(1);
  });

  it('commits nothing of a batch still failing at a graceful stop: the next consumer gets it again', async () => {
    const topic = await preparedTopic('stuck');
    const groupId = `${prefix}stuck`;
    const sent = [
      message(topic, TENANT_A, { key: 'a', n: 1 }),
      message(topic, TENANT_A, { key: 'a', n: 2, poison: 'retriable' }),
    ];
    await messaging.publish(sent);
    const calls: Call[] = [];
    const subscription = await messaging.subscribe({
      groupId,
      topics: [topic],
      batchHandler: recordingHandler(calls),
      maxAttempts: 1_000,
      retryBackoffMs: 20,
      commitIntervalMs: 0,
    });
    await eventually(() => expect(calls.length).toBeGreaterThanOrEqual(2), { what: 'the batch retried' });

    await subscription.stop();

    const next: Call[] = [];
    await messaging.subscribe({
      groupId,
      topics: [topic],
      batchHandler: async (messages, context) => {
        next.push({ messages: messages as ConsumedMessage<Sent>[], context, ambient: undefined, ok: true });
      },
    });
    await eventually(() => expect(handledKeys(next)).toEqual(['a:1', 'a:2']), { what: 'the batch again' });
    expect(calls.every((c) => !c.ok && !c.context.isolated)).toBe(true);
  });
});
