import type { Admin, Kafka, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { dlqTopic, type CommandReply } from '@platform/contracts';
import type { Logger } from '@platform/observability';
import { BatchingProducer, type SendOptions } from './batching-producer';
import type { ConsumedMessage } from './consumer/consumed-message';
import { Subscription, type SubscriptionOptions } from './consumer/subscription';
import { DeadLetters } from './dead-letters';
import { createKafka, type KafkaConnectionOptions } from './kafka-factory';
import { fromCurrentContext, withProducerSpan, type OutgoingMessage } from './outgoing';
import { ReplyListener } from './request-reply';
import { fetchTopicOffsets, retryKafka } from './kafka-retry';
import { ensureTopics, type TopicSpec } from './topic-admin';

export interface MessagingOptions extends KafkaConnectionOptions {
  /** `KAFKA_TOPIC_PREFIX`, prepended to every topic name. */
  readonly topicPrefix: string;
  /** Name used as `ce_source` (`/<service>`) and in consumer group names. */
  readonly service: string;
}

/**
 * The messaging port: publish CloudEvents-framed messages, subscribe with tenant checks and a
 * DLQ, and request-reply. One instance per process; `close()` drains everything.
 *
 * @example
 * const messaging = await KafkaMessaging.connect({ brokers: ['127.0.0.1:9092'], clientId: 'gw-1',
 *   topicPrefix: '', service: 'gateway' }, logger);
 * await messaging.ensureTopics([{ topic: messaging.topic('orders.commands'), partitions: 6 }]);
 * await messaging.publish([message]);
 */
export class KafkaMessaging {
  private readonly subscriptions: Subscription[] = [];
  private readonly listeners: ReplyListener[] = [];
  private closed = false;
  /** The dead-letter topics, for operators: read them, send a message back (see {@link DeadLetters}). */
  readonly deadLetters: DeadLetters;
  private pinging: Promise<void> | undefined;

  private constructor(
    readonly options: MessagingOptions,
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly producer: Producer,
    private readonly batching: BatchingProducer,
    private readonly logger: Logger,
  ) {
    this.deadLetters = new DeadLetters(kafka, admin, batching, options.topicPrefix);
  }

  /**
   * Connects the admin client and the producer, waiting (with backoff and a log line per attempt)
   * for brokers that are not up yet: a service started before Kafka waits for it instead of exiting.
   */
  static async connect(options: MessagingOptions, logger: Logger): Promise<KafkaMessaging> {
    const kafka = createKafka(options, logger);
    const admin = kafka.admin();
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await retryKafka(
      `connecting to ${options.brokers.join(',')}`,
      () => Promise.all([admin.connect(), producer.connect()]),
      { logger },
    );
    return new KafkaMessaging(options, kafka, admin, producer, new BatchingProducer(producer), logger);
  }

  /** The full name of a base topic (prefix applied). */
  topic(base: string): string {
    return `${this.options.topicPrefix}${base}`;
  }

  get source(): string {
    return `/${this.options.service}`;
  }

  /** Creates missing topics, and their `.dlq` companions when `withDlq`. */
  async ensureTopics(specs: readonly TopicSpec[], withDlq = false): Promise<void> {
    const all = withDlq
      ? specs.flatMap((spec) => [spec, { topic: dlqTopic(spec.topic), partitions: 1 }])
      : specs;
    await ensureTopics(this.admin, all, { logger: this.logger });
  }

  /**
   * Publishes messages (acks=all, idempotent), coalesced with concurrent sends into one request.
   * With `refuseWhenDown`, rejects at once while the producer's sends are failing or stalled
   * (see {@link BatchingProducer}) instead of queueing behind them.
   */
  async publish(messages: readonly OutgoingMessage[], options: SendOptions = {}): Promise<void> {
    if (messages.length === 0) return;
    await withProducerSpan(messages, (headers) =>
      Promise.all(
        messages.map((message, index) =>
          this.batching.send(
            message.topic,
            { key: message.key, value: JSON.stringify(message.value), headers: headers[index] },
            options,
          ),
        ),
      ),
    );
  }

  /** Subscribes a handler; resolves once the group has joined. Topics (and DLQs) are created first. */
  async subscribe(options: SubscriptionOptions, partitions = 6): Promise<Subscription> {
    await this.ensureTopics(
      options.topics.map((topic) => ({ topic, partitions })),
      true,
    );
    const subscription = new Subscription(
      this.kafka,
      this.batching,
      options,
      this.logger.child({ group: options.groupId }),
      this.admin,
    );
    await subscription.start();
    this.subscriptions.push(subscription);
    return subscription;
  }

  /** Starts this instance's reply listener on its own reply topic. */
  async listenForReplies(replyTopic: string): Promise<ReplyListener> {
    await this.ensureTopics([{ topic: replyTopic, partitions: 1, config: { 'retention.ms': '3600000' } }]);
    const listener = new ReplyListener(this.kafka, replyTopic, this.logger);
    await listener.start();
    this.listeners.push(listener);
    return listener;
  }

  /**
   * Sends a command and waits for its outcome on `listener`'s topic. The command's `ce_id` is the
   * correlation key. A send that fails, or that Kafka is known to be unable to take now, is a 503
   * problem at once; no reply within `timeoutMs` is a 504 (the command may still be carried out).
   */
  async request<R>(
    listener: ReplyListener,
    message: OutgoingMessage,
    timeoutMs: number,
  ): Promise<CommandReply<R>> {
    const withReply: OutgoingMessage = {
      ...message,
      attributes: { ...message.attributes, replyTo: listener.replyTopic },
    };
    const send = (): Promise<void> => this.publish([withReply], { refuseWhenDown: true });
    return (await listener.request(message.attributes.id, send, timeoutMs)) as CommandReply<R>;
  }

  /** Answers a request (if it asked for an answer) on the requester's reply topic. */
  async reply(request: ConsumedMessage, outcome: CommandReply): Promise<void> {
    const replyTo = request.attributes.replyTo;
    if (replyTo === undefined) return;
    await this.publish([
      fromCurrentContext({
        topic: replyTo,
        type: 'replies.CommandReply',
        subject: request.attributes.subject,
        value: outcome,
        source: this.source,
        dataSchemaVersion: 1,
      }),
    ]);
  }

  /** The offset the next message of each partition will get (0 for an empty partition). */
  async endOffsets(topic: string): Promise<Map<number, bigint>> {
    const offsets = await retryKafka(
      `reading the end offsets of ${topic}`,
      () => fetchTopicOffsets(this.admin, topic),
      { logger: this.logger, deadlineMs: 60_000 },
    );
    return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  }

  /**
   * Readiness: the cluster answers a metadata request. Concurrent pings share one request: while
   * the broker is away each takes kafkajs's retries (seconds), and a poller must not pile them up.
   */
  ping(): Promise<void> {
    this.pinging ??= this.admin
      .describeCluster()
      .then(() => undefined)
      .finally(() => {
        this.pinging = undefined;
      });
    return this.pinging;
  }

  /** Stops consuming (in-flight batches finish and commit). Call before the HTTP server closes. */
  async stopConsuming(): Promise<void> {
    await Promise.all(this.subscriptions.splice(0).map((subscription) => subscription.stop()));
  }

  /** Stops everything: consumers, reply listeners (deleting their topics), then flushes the producer. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stopConsuming();
    const listeners = this.listeners.splice(0);
    await Promise.all(listeners.map((listener) => listener.stop()));
    await this.batching.drain();
    if (listeners.length > 0) {
      await this.admin
        .deleteTopics({ topics: listeners.map((l) => l.replyTopic) })
        .catch((error: unknown) => {
          this.logger.warn({ err: error }, 'could not delete reply topics');
        });
    }
    await Promise.all([this.producer.disconnect(), this.admin.disconnect()]);
  }
}
