import type { Admin, TopicPartitionOffset } from 'kafkajs';
import { Gauge } from 'prom-client';
import { dlqTopic } from '@platform/contracts';
import { metricsRegistry } from '@platform/observability';
import { fetchTopicOffsets } from '../kafka-retry';

/** A consumer group of this process, as the lag gauges see it. */
interface Watched {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** The produce time (ms) of the first message of each batch in progress, by `topic:partition`. */
  readonly inProgress: Map<string, number>;
  /** The next offset to handle of each partition this instance finished messages of, by `topic:partition`. */
  readonly finished: ReadonlyMap<string, TopicPartitionOffset>;
}

/** What the admin client answered at the last refresh. */
interface Figures {
  readonly lag: { group: string; topic: string; partition: string; messages: number }[];
  readonly dlq: { topic: string; messages: number }[];
}

const REFRESH_MS = 5_000;
/** A scrape never waits longer on Kafka than this: it shows the last figures instead. */
const SCRAPE_WAIT_MS = 2_000;

const sources = new Map<Admin, Set<Watched>>();
let figures: Figures = { lag: [], dlq: [] };
let refreshedAt = 0;
let refreshing: Promise<void> | undefined;

// Registered for their collect(); nothing sets them from outside.
new Gauge({
  name: 'messaging_consumer_lag_messages',
  help:
    'Messages of a partition a consumer group of this process has not handled yet: end offset minus the ' +
    "next offset to handle (this instance's own for its partitions, else the committed one); " +
    'take the min across instances per partition',
  labelNames: ['group', 'topic', 'partition'],
  registers: [metricsRegistry],
  async collect() {
    await refresh();
    this.reset();
    for (const { group, topic, partition, messages } of figures.lag)
      this.set({ group, topic, partition }, messages);
  },
});

new Gauge({
  name: 'messaging_consumer_lag_seconds',
  help:
    'Now minus the produce time of the oldest message in a batch this instance is handling (or pacing), ' +
    'by group and topic; 0 when it handles none',
  labelNames: ['group', 'topic'],
  registers: [metricsRegistry],
  collect() {
    this.reset();
    const now = Date.now();
    for (const watched of [...sources.values()].flatMap((set) => [...set])) {
      for (const topic of watched.topics) {
        let oldest = now;
        for (const [key, producedAt] of watched.inProgress) {
          if (key.startsWith(`${topic}:`) && producedAt < oldest) oldest = producedAt;
        }
        this.set({ group: watched.groupId, topic }, Math.max(0, now - oldest) / 1_000);
      }
    }
  },
});

new Gauge({
  name: 'messaging_dlq_messages',
  help: 'Messages held in a dead-letter topic (end minus start offset, all partitions), by dead-letter topic',
  labelNames: ['topic'],
  registers: [metricsRegistry],
  async collect() {
    await refresh();
    this.reset();
    for (const { topic, messages } of figures.dlq) this.set({ topic }, messages);
  },
});

async function refresh(): Promise<void> {
  if (sources.size === 0 || Date.now() - refreshedAt < REFRESH_MS) return;
  refreshing ??= read()
    .then((next) => {
      figures = next;
      refreshedAt = Date.now();
    })
    .catch(() => {
      // Kafka is away: the last figures stay (readiness says why); asked again at the next scrape
    })
    .finally(() => {
      refreshing = undefined;
    });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    refreshing,
    new Promise<void>((resolve) => (timer = setTimeout(resolve, SCRAPE_WAIT_MS))),
  ]);
  clearTimeout(timer);
}

async function read(): Promise<Figures> {
  const lag: Figures['lag'] = [];
  const dlqs = new Map<string, Admin>();
  const ends = new Map<string, Map<number, bigint>>();
  const endsOf = async (admin: Admin, topic: string): Promise<Map<number, bigint>> => {
    let known = ends.get(topic);
    if (!known) {
      known = new Map((await fetchTopicOffsets(admin, topic)).map((o) => [o.partition, BigInt(o.high)]));
      ends.set(topic, known);
    }
    return known;
  };
  for (const [admin, watchedSet] of sources) {
    for (const watched of watchedSet) {
      const committed = await admin.fetchOffsets({ groupId: watched.groupId, topics: [...watched.topics] });
      for (const { topic, partitions } of committed) {
        const high = await endsOf(admin, topic);
        for (const { partition, offset } of partitions) {
          const end = high.get(partition) ?? 0n;
          // No commit yet is -1: the whole partition is behind. Commits trail (once per interval, the
          // last batch of a burst at the next batch): what this instance finished counts first.
          const committed = BigInt(offset) < 0n ? 0n : BigInt(offset);
          const local = watched.finished.get(`${topic}:${partition}`);
          const done =
            local !== undefined && BigInt(local.offset) > committed ? BigInt(local.offset) : committed;
          const messages = end > done ? Number(end - done) : 0;
          lag.push({ group: watched.groupId, topic, partition: String(partition), messages });
        }
      }
      for (const topic of watched.topics) dlqs.set(dlqTopic(topic), admin);
    }
  }
  const dlq: Figures['dlq'] = [];
  for (const [topic, admin] of dlqs) {
    const offsets = await fetchTopicOffsets(admin, topic).catch(() => []);
    const messages = offsets.reduce((sum, o) => sum + (BigInt(o.high) - BigInt(o.low)), 0n);
    dlq.push({ topic, messages: Number(messages) });
  }
  return { lag, dlq };
}

/**
 * Puts a consumer group of this process under the lag gauges: `messaging_consumer_lag_messages`
 * (per partition: the end offset minus what this instance `finished`, or the group's committed
 * offset) and `messaging_dlq_messages` (its topics' dead-letter topics) are read from Kafka's admin
 * API at scrape time (at most every 5 s; a scrape waits 2 s at most); `messaging_consumer_lag_seconds`
 * from the batches in progress (call `batchStarted`/`batchDone` around each). Returns the handle;
 * `stop` takes the group out.
 *
 * @example
 * const lag = watchConsumerLag(admin, 'projection-service.orders', ['orders.events'], finishedOffsets);
 * lag.batchStarted('orders.events', 0, firstMessageTimestampMs);
 * lag.batchDone('orders.events', 0);
 */
export function watchConsumerLag(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
  finished: ReadonlyMap<string, TopicPartitionOffset>,
): {
  batchStarted(topic: string, partition: number, producedAt: number): void;
  batchDone(topic: string, partition: number): void;
  stop(): void;
} {
  const watched: Watched = { groupId, topics, inProgress: new Map(), finished };
  let set = sources.get(admin);
  if (!set) sources.set(admin, (set = new Set()));
  set.add(watched);
  refreshedAt = 0;
  return {
    batchStarted: (topic, partition, producedAt) =>
      watched.inProgress.set(`${topic}:${partition}`, producedAt),
    batchDone: (topic, partition) => watched.inProgress.delete(`${topic}:${partition}`),
    stop: () => {
      set.delete(watched);
      if (set.size === 0) sources.delete(admin);
    },
  };
}
