import type { Admin } from 'kafkajs';

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  readonly config?: Readonly<Record<string, string>>;
}

/**
 * Creates the topics that do not exist yet and waits for their leaders. Safe when several
 * instances race to create the same topic. Consumers must only start after this.
 */
export async function ensureTopics(admin: Admin, specs: readonly TopicSpec[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((spec) => !existing.has(spec.topic));
  if (missing.length === 0) return;
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((spec) => ({
        topic: spec.topic,
        numPartitions: spec.partitions,
        replicationFactor: -1,
        configEntries: Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
  await admin.fetchTopicMetadata({ topics: missing.map((spec) => spec.topic) });
}

interface KafkaJsError {
  readonly type?: string;
  readonly errors?: readonly KafkaJsError[];
}

/** kafkajs reports a lost creation race as TOPIC_ALREADY_EXISTS, alone or inside an aggregate. */
function isAlreadyExists(error: unknown): boolean {
  const e = error as KafkaJsError | undefined;
  if (e?.type === 'TOPIC_ALREADY_EXISTS') return true;
  return Array.isArray(e?.errors) && e.errors.length > 0 && e.errors.every(isAlreadyExists);
}
