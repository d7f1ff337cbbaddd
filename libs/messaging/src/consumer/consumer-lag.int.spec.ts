import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { metricsRegistry } from '@platform/observability';
import { TenantContextStore } from '@platform/tenancy';
import { deleteTopicsWithPrefix, eventually, testInfra, uniqueSuffix } from '@platform/testing';
import { KafkaMessaging } from '../kafka-messaging';
import { NonRetriableError } from './consumed-message';
import { fromCurrentContext } from '../outgoing';

const logger = pino({ level: 'silent' });
const TENANT = '22222222-2222-4222-8222-222222222222';

/** The sum of the series of `name` that carry `labels` (undefined when there is none). */
async function gauge(name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = await metricsRegistry.getSingleMetric(name)?.get();
  const values = (metric?.values ?? []).filter((v) =>
    Object.entries(labels).every(([k, x]) => v.labels[k] === x),
  );
  return values.length === 0 ? undefined : values.reduce((sum, v) => sum + v.value, 0);
}

describe('consumer lag and dead-letter depth as metrics, on a real broker', () => {
  const prefix = `it-lag-${uniqueSuffix()}.`;
  let messaging: KafkaMessaging;

  beforeAll(async () => {
    messaging = await KafkaMessaging.connect(
      { brokers: testInfra.kafkaBrokers, clientId: 'it-lag', topicPrefix: prefix, service: 'it-service' },
      logger,
    );
  });

  afterAll(async () => {
    await messaging.close();
    await deleteTopicsWithPrefix(prefix);
  });

  const publish = (topic: string, count: number) =>
    messaging.publish(
      Array.from({ length: count }, (_, i) =>
        TenantContextStore.run(
          { tenantId: TENANT, actor: 'u', roles: ['member'], correlationId: 'c', causationId: randomUUID() },
          () =>
            fromCurrentContext({
              topic,
              type: 'orders.OrderCreated',
              subject: `order-${i}`,
              value: { n: i },
              source: '/it-service',
              dataSchemaVersion: 1,
            }),
        ),
      ),
    );

  it('shows the messages a group has not handled, how old its batch in progress is, and the DLQ depth', async () => {
    const topic = messaging.topic('lagged.events');
    const groupId = `${prefix}slow`;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await messaging.subscribe(
      {
        groupId,
        topics: [topic],
        maxAttempts: 1,
        handler: async (message) => {
          if ((message.value as { n: number }).n === 0) throw new NonRetriableError('poison');
          await held;
        },
      },
      1,
    );

    await publish(topic, 5);

    // the first is dead-lettered, the second holds the partition: 4 or 5 not committed (the first's
    // offset may be committed if it came in a batch of its own)
    await eventually(
      async () => expect(await gauge('messaging_dlq_messages', { topic: `${topic}.dlq` })).toBe(1),
      {
        timeoutMs: 30_000,
      },
    );
    await eventually(
      async () =>
        expect(
          await gauge('messaging_consumer_lag_messages', { group: groupId, topic }),
        ).toBeGreaterThanOrEqual(4),
      { timeoutMs: 30_000 },
    );
    await eventually(
      async () =>
        expect(await gauge('messaging_consumer_lag_seconds', { group: groupId, topic })).toBeGreaterThan(0),
      { timeoutMs: 10_000 },
    );

    release();
    await eventually(
      async () => expect(await gauge('messaging_consumer_lag_messages', { group: groupId, topic })).toBe(0),
      { timeoutMs: 30_000 },
    );
    expect(await gauge('messaging_consumer_lag_seconds', { group: groupId, topic })).toBe(0);
  });
});
