import { Kafka, logLevel } from 'kafkajs';
import { testInfra } from './infra';

/**
 * Deletes the topics whose names start with `prefix` (a spec's or a run's own), if any: what every
 * Kafka test and benchmark does when it is done.
 */
export async function deleteTopicsWithPrefix(
  prefix: string,
  brokers: readonly string[] = testInfra.kafkaBrokers,
): Promise<void> {
  if (prefix === '') throw new Error('refusing to delete every topic: the prefix is empty');
  const admin = new Kafka({
    clientId: 'test-cleanup',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}
