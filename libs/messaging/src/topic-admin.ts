import type { Admin } from 'kafkajs';
import { fetchTopicOffsets, retryKafka, type KafkaRetryOptions } from './kafka-retry';

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  readonly config?: Readonly<Record<string, string>>;
}

/** Some partition of a topic that was just created has no leader yet (retriable). */
export class LeadersNotElectedError extends Error {
  readonly retriable = true;
  constructor(readonly partitions: readonly string[]) {
    super(`no leader yet for ${partitions.slice(0, 5).join(', ')}${partitions.length > 5 ? ', …' : ''}`);
    this.name = 'LeadersNotElectedError';
  }
}

/**
 * Creates the topics that do not exist yet and returns once every partition of every topic has a
 * leader. Safe when several instances race to create the same topic. Consumers must only start
 * after this. On a broker that is not up yet, or has just started (no controller, metadata not
 * propagated: "This server does not host this topic-partition"), it retries the whole check with
 * backoff on retriable errors, logging each attempt; an error that retrying cannot cure (an invalid
 * configuration, no authorization) is thrown at once.
 */
export async function ensureTopics(
  admin: Admin,
  specs: readonly TopicSpec[],
  options: KafkaRetryOptions = {},
): Promise<void> {
  if (specs.length === 0) return;
  await retryKafka(
    `creating ${specs.length} topics (${specs[0]?.topic ?? ''}…) and waiting for their leaders`,
    async () => {
      await createMissing(admin, specs);
      await requireLeaders(admin, specs);
    },
    options,
  );
}

async function createMissing(admin: Admin, specs: readonly TopicSpec[]): Promise<void> {
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
}

/** Throws unless every partition of every topic has a leader that answers for it. */
async function requireLeaders(admin: Admin, specs: readonly TopicSpec[]): Promise<void> {
  const { topics } = await admin.fetchTopicMetadata({ topics: specs.map((spec) => spec.topic) });
  const leaderless: string[] = [];
  for (const spec of specs) {
    const partitions = topics.find((topic) => topic.name === spec.topic)?.partitions ?? [];
    if (partitions.length === 0) leaderless.push(`${spec.topic} (no partitions yet)`);
    for (const partition of partitions) {
      if (partition.leader < 0) leaderless.push(`${spec.topic}:${partition.partitionId}`);
    }
  }
  if (leaderless.length > 0) throw new LeadersNotElectedError(leaderless);
  // A leader in the metadata is not yet a leader that serves: on a broker that has just started,
  // ListOffsets answers NOT_LEADER_FOR_PARTITION for a moment longer (seen in the fresh-broker spec).
  await Promise.all(specs.map((spec) => fetchTopicOffsets(admin, spec.topic)));
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
