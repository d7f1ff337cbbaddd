import { setTimeout as sleep } from 'node:timers/promises';
import { context as otelContext, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, TopicPartitionOffset } from 'kafkajs';
import { decodeCloudEventHeaders, headerText, type RawHeaders } from '@platform/contracts';
import { counter, histogram, type Logger } from '@platform/observability';
import { TenantContextStore } from '@platform/tenancy';
import type { BatchingProducer } from '../batching-producer';
import { NonRetriableError, type ConsumedMessage, type MessageHandler } from './consumed-message';
import { deadLetter } from './dead-letter';
import { committableOffset, forEachLimited, groupByKey } from './key-groups';

export interface SubscriptionOptions {
  readonly groupId: string;
  /** Full topic names; they must exist (see `ensureTopics`). */
  readonly topics: readonly string[];
  readonly handler: MessageHandler;
  /** Where a group with no committed offset starts. Default true: nothing sent before is missed. */
  readonly fromBeginning?: boolean;
  /** Keys handled at once within one batch. Default 32. */
  readonly concurrency?: number;
  /** Attempts before a failing message is dead-lettered. Default 3. */
  readonly maxAttempts?: number;
  readonly retryBackoffMs?: number;
  /** Called after each message is done with (handled or dead-lettered): progress tracking. */
  readonly onProcessed?: (topic: string, partition: number, offset: string) => void;
  /**
   * How often finished offsets are committed, at most; default 1 s. Also on a graceful stop. A
   * crash or a rebalance hands up to this much work to the next consumer again (at least once:
   * handlers are idempotent by `ce_id`).
   */
  readonly commitIntervalMs?: number;
}

const consumed = counter('messaging_messages_total', 'Messages consumed, by outcome', ['topic', 'outcome']);
const handleSeconds = histogram('messaging_handle_seconds', 'Time to handle one message', ['topic']);
const tracer = trace.getTracer('@platform/messaging');

/**
 * One consumer group over some topics. Each batch is split by key: different keys are handled
 * concurrently, one key's messages in order. Offsets are committed only up to the last message
 * of the unbroken run of finished ones. A message whose CloudEvents headers are missing or carry
 * no valid tenant never reaches the handler: it goes to the DLQ. A handler that keeps failing
 * sends its message to the DLQ after `maxAttempts`. Offsets are committed once per
 * `commitIntervalMs` rather than after every batch (kafkajs's default): at low batch sizes a commit
 * per batch was a third of the broker's CPU per request (bench `http-command-16c`).
 */
export class Subscription {
  private consumer: Consumer | undefined;
  /** The next offset to commit per topic-partition: finished, perhaps not committed yet. */
  private readonly finishedOffsets = new Map<string, TopicPartitionOffset>();
  private stopping = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly producer: BatchingProducer,
    private readonly options: SubscriptionOptions,
    private readonly logger: Logger,
  ) {}

  /** Joins the group and resolves once partitions are assigned. */
  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      // a fetch returns as soon as a message arrives: the wait only paces the empty fetches of an idle
      // consumer (and delays a graceful stop by at most that much)
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
      partitionsConsumedConcurrently: 3,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    await joined;
  }

  /** Commits what is finished, stops fetching, lets the batch in progress finish and commit, leaves the group. */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    this.stopping = true;
    if (consumer && this.finishedOffsets.size > 0) {
      await consumer.commitOffsets([...this.finishedOffsets.values()]).catch((error: unknown) => {
        this.logger.warn({ err: error, groupId: this.options.groupId }, 'offsets not committed at stop');
      });
    }
    await consumer?.disconnect();
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const messages = batch.messages.map((message) => ({ key: message.key?.toString() ?? '', message }));
    const finished = new Set<string>();
    await forEachLimited(groupByKey(messages), this.options.concurrency ?? 32, async (group) => {
      for (const { message } of group) {
        if (!payload.isRunning() || payload.isStale()) return;
        await this.handleOne(batch.topic, batch.partition, message);
        finished.add(message.offset);
        this.options.onProcessed?.(batch.topic, batch.partition, message.offset);
      }
      await payload.heartbeat();
    });
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

  private async handleOne(topic: string, partition: number, message: KafkaMessage): Promise<void> {
    const headers = (message.headers ?? {}) as RawHeaders;
    const decoded = decodeCloudEventHeaders(headers);
    if (!decoded.ok) {
      const why = decoded.problems.map((p) => `${p.header}: ${p.message}`).join('; ');
      this.logger.warn(
        { topic, partition, offset: message.offset, why },
        'message without valid CloudEvents headers: dead-lettered',
      );
      await deadLetter(
        this.producer,
        this.options.groupId,
        topic,
        partition,
        message,
        'invalid-headers',
        why,
        0,
      );
      consumed.inc({ topic, outcome: 'dead_lettered' });
      return;
    }
    let value: unknown;
    try {
      value = message.value === null ? null : JSON.parse(message.value.toString('utf8'));
    } catch {
      await deadLetter(
        this.producer,
        this.options.groupId,
        topic,
        partition,
        message,
        'invalid-payload',
        'value is not JSON',
        0,
      );
      consumed.inc({ topic, outcome: 'dead_lettered' });
      return;
    }
    const { attributes } = decoded;
    const consumedMessage: ConsumedMessage = {
      topic,
      partition,
      offset: message.offset,
      key: message.key?.toString() ?? '',
      value,
      attributes,
    };
    const tenant = {
      tenantId: attributes.tenantId,
      actor: attributes.actor ?? attributes.source,
      roles: [],
      correlationId: attributes.correlationId,
      causationId: attributes.id,
    };
    const parent = propagation.extract(otelContext.active(), {
      traceparent: headerText(headers.traceparent),
      tracestate: headerText(headers.tracestate),
    });
    const maxAttempts = this.options.maxAttempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(topic, consumedMessage, tenant, parent, attempt);
      if (outcome === 'ok') return;
      const error = outcome.error;
      const retriable = !(error instanceof NonRetriableError);
      if (!retriable || attempt >= maxAttempts) {
        this.logger.error(
          { topic, offset: message.offset, err: error, attempt },
          'message handler failed: dead-lettered',
        );
        await deadLetter(
          this.producer,
          this.options.groupId,
          topic,
          partition,
          message,
          retriable ? 'handler-failed' : 'invalid-payload',
          error instanceof Error ? error.message : String(error),
          attempt,
        );
        consumed.inc({ topic, outcome: 'dead_lettered' });
        return;
      }
      consumed.inc({ topic, outcome: 'retried' });
      const base = (this.options.retryBackoffMs ?? 100) * 2 ** (attempt - 1);
      await sleep(base + Math.random() * base);
    }
  }

  private attempt(
    topic: string,
    message: ConsumedMessage,
    tenant: Parameters<typeof TenantContextStore.run>[0],
    parent: ReturnType<typeof otelContext.active>,
    attempt: number,
  ): Promise<'ok' | { error: unknown }> {
    const span = tracer.startSpan(
      `${topic} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.destination.name': topic,
          'messaging.consumer.group.name': this.options.groupId,
          'messaging.destination.partition.id': String(message.partition),
          'messaging.kafka.offset': Number(message.offset),
          'messaging.kafka.message.key': message.key,
          'messaging.message.id': message.attributes.id,
          'cloudevents.event_type': message.attributes.type,
          'tenant.id': tenant.tenantId,
          'messaging.attempt': attempt,
        },
      },
      parent,
    );
    const stopTimer = handleSeconds.startTimer({ topic });
    return otelContext.with(trace.setSpan(parent, span), () =>
      TenantContextStore.run(tenant, async () => {
        try {
          await this.options.handler(message);
          consumed.inc({ topic, outcome: 'ok' });
          return 'ok' as const;
        } catch (error) {
          span.recordException(error as Error);
          span.setStatus({ code: SpanStatusCode.ERROR });
          return { error };
        } finally {
          stopTimer();
          span.end();
        }
      }),
    );
  }
}
