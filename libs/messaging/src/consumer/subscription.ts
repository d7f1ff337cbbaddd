import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage, TopicPartitionOffset } from 'kafkajs';
import type { Logger } from '@platform/observability';
import type { BatchingProducer } from '../batching-producer';
import { BatchAttempts, type PartitionBatch } from './batch-attempts';
import { watchConsumerLag } from './consumer-lag';
import type { BatchHandler, BeforeDeadLetter, MessageHandler } from './consumed-message';
import { decodeMessage } from './decode-message';
import { committableOffset, forEachLimited, groupByKey } from './key-groups';
import { MessageAttempts } from './message-attempts';

/** Per-message mode: the handler gets one message at a time, inside its tenant context. */
export interface PerMessageOptions {
  readonly handler: MessageHandler;
  readonly batchHandler?: undefined;
}

/**
 * Batch mode: the handler gets a partition's valid messages at once, possibly of several tenants
 * and with no ambient tenant context (see {@link BatchHandler} and `BatchAttempts`). For handlers
 * whose cost is per call (a database transaction) rather than per message.
 *
 * @example
 * await messaging.subscribe({
 *   groupId: 'projection-service.orders',
 *   topics: [messaging.topic('orders.events')],
 *   batchHandler: (messages) => applyPerTenant(messages),
 *   maxBatchSize: 500,
 * });
 */
export interface BatchOptions {
  readonly batchHandler: BatchHandler;
  /** Messages given to one handler call, at most; default 500. */
  readonly maxBatchSize?: number;
  readonly handler?: undefined;
}

export type SubscriptionOptions = CommonSubscriptionOptions & (PerMessageOptions | BatchOptions);

export interface CommonSubscriptionOptions {
  readonly groupId: string;
  /** Full topic names; they must exist (see `ensureTopics`). */
  readonly topics: readonly string[];
  /** Where a group with no committed offset starts. Default true: nothing sent before is missed. */
  readonly fromBeginning?: boolean;
  /** Keys handled at once within one batch (batch mode: once a batch is handled one by one). Default 32. */
  readonly concurrency?: number;
  /**
   * Partitions whose batches are handled at once; default 3. A handler that gathers concurrent
   * work into one transaction (the command service's group commit) wants all of its partitions at
   * once, so that one fetch makes one group rather than one per slice of partitions.
   */
  readonly partitionsConcurrently?: number;
  /**
   * Under load, at most one batch per partition this often: a batch that comes sooner after the
   * last one waits for the rest of the interval (the next fetch waits with it, and brings more).
   * After a quiet spell a batch is handled at once, so an idle consumer fetches no more often and
   * a lone message is not held back. For handlers whose cost is per batch (a transaction) and that
   * can wait a little (a projection, webhooks): fuller batches under load. Default 0 (off).
   */
  readonly minBatchIntervalMs?: number;
  /** Attempts before a failing message is dead-lettered (batch mode: also of a batch). Default 3. */
  readonly maxAttempts?: number;
  readonly retryBackoffMs?: number;
  /**
   * Runs before a message that failed its handler is dead-lettered (not for messages refused by the
   * header checks, which reach no handler); see {@link BeforeDeadLetter}.
   */
  readonly beforeDeadLetter?: BeforeDeadLetter;
  /** Called after each message is done with (handled or dead-lettered): progress tracking. */
  readonly onProcessed?: (topic: string, partition: number, offset: string) => void;
  /**
   * How often finished offsets are committed, at most; default 1 s. Also on a graceful stop. A
   * crash or a rebalance hands up to this much work to the next consumer again (at least once:
   * handlers are idempotent by `ce_id`).
   */
  readonly commitIntervalMs?: number;
}

/**
 * One consumer group over some topics. Each batch is split by key: different keys are handled
 * concurrently, one key's messages in order. Offsets are committed only up to the last message
 * of the unbroken run of finished ones. A message whose CloudEvents headers are missing or carry
 * no valid tenant never reaches the handler: it goes to the DLQ. A handler that keeps failing
 * sends its message to the DLQ after `maxAttempts`. Offsets are committed once per
 * `commitIntervalMs` rather than after every batch (kafkajs's default): at low batch sizes a commit
 * per batch was a third of the broker's CPU per request (bench `http-command-16c`).
 *
 * With a `batchHandler` instead of a `handler`, a batch goes to the handler in chunks (batch mode,
 * `BatchAttempts`); the checks, the DLQ, the retries and the commits are the same.
 */
export class Subscription {
  private consumer: Consumer | undefined;
  /** The next offset to commit per topic-partition: finished, perhaps not committed yet. */
  private readonly finishedOffsets = new Map<string, TopicPartitionOffset>();
  private stopping = false;
  /** Group joins so far (`BatchContext.assignment`). */
  private assignment = 0;
  /** When each partition's last batch began, for `minBatchIntervalMs`. */
  private readonly batchStartedAt = new Map<string, number>();
  private readonly attempts: MessageAttempts;
  private readonly batches: BatchAttempts | undefined;
  private readonly lag: ReturnType<typeof watchConsumerLag> | undefined;

  constructor(
    private readonly kafka: Kafka,
    producer: BatchingProducer,
    private readonly options: SubscriptionOptions,
    private readonly logger: Logger,
    /** With an admin client, the group's lag and its DLQs' depth are metrics (`watchConsumerLag`). */
    admin?: Admin,
  ) {
    this.lag = admin && watchConsumerLag(admin, options.groupId, options.topics, this.finishedOffsets);
    this.attempts = new MessageAttempts(
      producer,
      {
        groupId: options.groupId,
        maxAttempts: options.maxAttempts ?? 3,
        retryBackoffMs: options.retryBackoffMs ?? 100,
        ...(options.beforeDeadLetter && { beforeDeadLetter: options.beforeDeadLetter }),
      },
      logger,
    );
    if (options.batchHandler)
      this.batches = new BatchAttempts(
        options.batchHandler,
        this.attempts,
        {
          groupId: options.groupId,
          maxAttempts: options.maxAttempts ?? 3,
          retryBackoffMs: options.retryBackoffMs ?? 100,
          maxBatchSize: options.maxBatchSize ?? 500,
          concurrency: options.concurrency ?? 32,
        },
        logger,
      );
  }

  /** Joins the group and resolves once partitions are assigned. */
  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      // A fetch returns as soon as a message arrives: the wait only paces the empty fetches of an
      // idle consumer (and delays a graceful stop by at most that much).
      maxWaitTimeInMs: 2_000,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    const joined = new Promise<void>((resolve) => {
      const off = consumer.on(consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
    });
    // After a rebalance, forget what was finished on partitions now owned by someone else: a
    // commit of ours at stop must not move their offsets.
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.assignment += 1;
      const assigned = payload.memberAssignment;
      for (const [key, { topic, partition }] of this.finishedOffsets) {
        if (!assigned[topic]?.includes(partition)) this.finishedOffsets.delete(key);
      }
    });
    await consumer.connect();
    await consumer.subscribe({
      topics: [...this.options.topics],
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await consumer.run({
      eachBatchAutoResolve: false,
      // committed by eachBatch, at most once per interval, and by stop()
      autoCommit: false,
      autoCommitInterval: this.options.commitIntervalMs ?? 1_000,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 3,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    await joined;
  }

  /** Waits out the rest of `minBatchIntervalMs` since this partition's last batch began (see there). */
  private async pace(partitionKey: string): Promise<void> {
    const interval = this.options.minBatchIntervalMs ?? 0;
    if (interval <= 0) return;
    const last = this.batchStartedAt.get(partitionKey);
    const since = last === undefined ? Infinity : performance.now() - last;
    if (since < interval && !this.stopping) await sleep(interval - since);
    this.batchStartedAt.set(partitionKey, performance.now());
  }

  /** Commits what is finished, stops fetching, lets the batch in progress finish and commit, leaves the group. */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    this.stopping = true;
    this.lag?.stop();
    if (consumer && this.finishedOffsets.size > 0) {
      await consumer.commitOffsets([...this.finishedOffsets.values()]).catch((error: unknown) => {
        this.logger.warn({ err: error, groupId: this.options.groupId }, 'offsets not committed at stop');
      });
    }
    await consumer?.disconnect();
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const first = batch.messages[0];
    if (first) this.lag?.batchStarted(batch.topic, batch.partition, Number(first.timestamp));
    try {
      await this.handleBatch(payload);
    } finally {
      this.lag?.batchDone(batch.topic, batch.partition);
    }
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    await this.pace(`${batch.topic}:${batch.partition}`);
    const finished = new Set<string>();
    const partitionBatch: PartitionBatch = {
      topic: batch.topic,
      partition: batch.partition,
      messages: batch.messages,
      assignment: this.assignment,
      active: () => payload.isRunning() && !payload.isStale(),
      done: (offset) => {
        finished.add(offset);
        this.options.onProcessed?.(batch.topic, batch.partition, offset);
      },
      heartbeat: () => payload.heartbeat(),
    };
    if (this.batches) await this.batches.process(partitionBatch);
    else await this.handleByKey(partitionBatch);
    const offset = committableOffset(
      batch.messages.map((message) => message.offset),
      finished,
    );
    if (offset === undefined) return;
    payload.resolveOffset(offset);
    const next: TopicPartitionOffset = {
      topic: batch.topic,
      partition: batch.partition,
      offset: (BigInt(offset) + 1n).toString(),
    };
    this.finishedOffsets.set(`${batch.topic}:${batch.partition}`, next);
    // While stopping, this batch's offsets are committed now: no later batch will.
    if (this.stopping)
      await payload.commitOffsetsIfNecessary({
        topics: [{ topic: next.topic, partitions: [{ partition: next.partition, offset: next.offset }] }],
      });
    else await payload.commitOffsetsIfNecessary();
  }

  /** Per-message mode: different keys concurrently, one key's messages in order. */
  private async handleByKey(batch: PartitionBatch): Promise<void> {
    const messages = batch.messages.map((message) => ({ key: message.key?.toString() ?? '', message }));
    await forEachLimited(groupByKey(messages), this.options.concurrency ?? 32, async (group) => {
      for (const { message } of group) {
        if (!batch.active()) return;
        await this.handleOne(batch.topic, batch.partition, message);
        batch.done(message.offset);
      }
      await batch.heartbeat();
    });
  }

  private async handleOne(topic: string, partition: number, raw: KafkaMessage): Promise<void> {
    const decoding = decodeMessage(topic, partition, raw);
    if (!decoding.ok)
      return this.attempts.deadLetterUndecodable(topic, partition, raw, decoding.reason, decoding.why);
    const { handler } = this.options;
    if (!handler) throw new Error('per-message mode without a handler');
    await this.attempts.handle(decoding.decoded, (message) => handler(message), true);
  }
}
