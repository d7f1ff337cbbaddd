import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { PrivateKafka } from '@platform/testing';
import { KafkaMessaging } from './kafka-messaging';

const logger = pino({ level: 'silent' });
const RUNS = 3;

/**
 * Issue 9: `npm start` from nothing made a service exit with "This server does not host this
 * topic-partition" while creating topics on a broker that had just started. Here, several times in
 * a row, a private broker is launched on fresh storage and, without waiting for it, a service's
 * start-up runs against it: connect (the broker is not listening yet), create a registry's worth of
 * topics with their DLQs, then use them. Every run must succeed, with every partition led.
 */
describe('topic creation on a broker that is just starting', () => {
  const brokers: PrivateKafka[] = [];

  afterAll(async () => {
    for (const broker of brokers) await broker.destroy();
  }, 120_000);

  for (let run = 1; run <= RUNS; run++) {
    it(`creates every topic with leaders (fresh broker ${run} of ${RUNS})`, async () => {
      const kafka = await PrivateKafka.create(`fresh-${run}`);
      brokers.push(kafka);
      const started = kafka.start(); // not awaited: the start-up below races the broker's boot
      const messaging = await KafkaMessaging.connect(
        { brokers: kafka.brokers, clientId: `fresh-${run}`, topicPrefix: '', service: 'fresh' },
        logger,
      );
      try {
        const specs = ['orders.commands', 'orders.events', 'tenants.lifecycle', 'tenants.api-keys'].map(
          (topic) => ({ topic, partitions: 6 }),
        );
        await messaging.ensureTopics(specs, true);
        // what a service does next: read where each topic ends (a tenant directory following from start)
        for (const { topic } of specs) expect((await messaging.endOffsets(topic)).size).toBe(6);
        await started;

        const admin = new Kafka({
          clientId: 'check',
          brokers: kafka.brokers,
          logLevel: logLevel.NOTHING,
        }).admin();
        await admin.connect();
        try {
          const names = specs.flatMap(({ topic }) => [topic, `${topic}.dlq`]);
          const { topics } = await admin.fetchTopicMetadata({ topics: names });
          expect(topics.map((t) => t.name).sort()).toEqual([...names].sort());
          for (const topic of topics) {
            expect(topic.partitions.length).toBe(topic.name.endsWith('.dlq') ? 1 : 6);
            for (const partition of topic.partitions) expect(partition.leader).toBeGreaterThanOrEqual(0);
          }
          const offsets = await admin.fetchTopicOffsets('orders.commands');
          expect(offsets).toHaveLength(6);
        } finally {
          await admin.disconnect();
        }
      } finally {
        await messaging.close();
        await kafka.destroy();
      }
    }, 180_000);
  }
});
