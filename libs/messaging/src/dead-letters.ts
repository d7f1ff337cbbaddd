import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { dlqTopic } from '@platform/contracts';
import type { BatchingProducer } from './batching-producer';

/** A message of a `<topic>.dlq`, with what went wrong (the `dlq_*` headers) taken apart. */
export interface DeadLetteredMessage {
  /** The dead-letter topic it was read from. */
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  /** The value as it came (UTF-8 text; JSON for the platform's messages). */
  readonly value: string | null;
  /** The message's own headers, as the original topic carried them (no `dlq_*`). */
  readonly headers: Readonly<Record<string, string>>;
  /** The `dlq_*` headers, without the prefix: reason, error, original_topic, attempts, failed_at… */
  readonly failure: Readonly<Record<string, string>>;
}

export interface ReadDeadLettersOptions {
  /** Messages returned at most. */
  readonly limit: number;
  /** Start at this offset of every partition (default: the beginning). */
  readonly fromOffset?: string;
  /** How long the read may take before it gives up (default 15 s). */
  readonly timeoutMs?: number;
}

export interface DeadLetterPage {
  readonly topic: string;
  /** Messages in the topic from `fromOffset` (or the beginning) to the end, all partitions. */
  readonly total: number;
  readonly messages: readonly DeadLetteredMessage[];
}

const DLQ_HEADER = 'dlq_';

/**
 * What an operator does with a dead-letter topic: read it (from its beginning, or an offset, up to
 * the high watermark it had when the read began: bounded, whatever is appended meanwhile) and send
 * a message back to the topic it came from, with its original key, value and headers. Reads use a
 * throwaway consumer group that commits nothing and is deleted afterwards.
 *
 * @example
 * const page = await messaging.deadLetters.read('orders.events', { limit: 50 });
 * const one = await messaging.deadLetters.find('orders.events', 0, '17');
 * if (one) await messaging.deadLetters.replay(one); // back on orders.events, same key and headers
 */
export class DeadLetters {
  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly producer: BatchingProducer,
    private readonly groupPrefix: string,
  ) {}

  /** The messages of `<topic>.dlq` (`topic` with its prefix), oldest first, at most `limit`. */
  async read(topic: string, options: ReadDeadLettersOptions): Promise<DeadLetterPage> {
    const dlq = dlqTopic(topic);
    if (!(await this.admin.listTopics()).includes(dlq)) return { topic: dlq, total: 0, messages: [] };
    const from = options.fromOffset === undefined ? undefined : BigInt(options.fromOffset);
    const ends = new Map<number, { start: bigint; end: bigint }>();
    let total = 0n;
    for (const { partition, low, high } of await this.admin.fetchTopicOffsets(dlq)) {
      const start = from !== undefined && from > BigInt(low) ? from : BigInt(low);
      if (start < BigInt(high)) {
        ends.set(partition, { start, end: BigInt(high) });
        total += BigInt(high) - start;
      }
    }
    if (ends.size === 0 || options.limit <= 0) return { topic: dlq, total: Number(total), messages: [] };
    const messages = await this.consume(dlq, ends, options.limit, options.timeoutMs ?? 15_000);
    messages.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
    return { topic: dlq, total: Number(total), messages };
  }

  /** One message of `<topic>.dlq`, or undefined when there is none at that partition and offset. */
  async find(topic: string, partition: number, offset: string): Promise<DeadLetteredMessage | undefined> {
    const dlq = dlqTopic(topic);
    if (!(await this.admin.listTopics()).includes(dlq)) return undefined;
    const wanted = BigInt(offset);
    const bounds = (await this.admin.fetchTopicOffsets(dlq)).find((o) => o.partition === partition);
    if (!bounds || wanted < BigInt(bounds.low) || wanted >= BigInt(bounds.high)) return undefined;
    const [message] = await this.consume(
      dlq,
      new Map([[partition, { start: wanted, end: wanted + 1n }]]),
      1,
      15_000,
    );
    return message?.offset === offset ? message : undefined;
  }

  /**
   * Produces the message again on the topic it was dead-lettered from (`dlq_original_topic`, else
   * the DLQ's name without `.dlq`) with its original key, value and headers; returns that topic.
   * Consumers deduplicate on `ce_id`, so a replay of something already handled is harmless.
   */
  async replay(message: DeadLetteredMessage): Promise<string> {
    const target = message.failure.original_topic ?? message.topic.replace(/\.dlq$/, '');
    await this.producer.send(target, {
      key: message.key,
      value: message.value,
      headers: { ...message.headers },
    });
    return target;
  }

  /** Reads each partition from `start` until `end` (exclusive), at most `limit` messages in all. */
  private async consume(
    topic: string,
    ranges: ReadonlyMap<number, { start: bigint; end: bigint }>,
    limit: number,
    timeoutMs: number,
  ): Promise<DeadLetteredMessage[]> {
    const groupId = `${this.groupPrefix}dlq-reader-${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 200, allowAutoTopicCreation: false });
    const collected: DeadLetteredMessage[] = [];
    const open = new Set(ranges.keys());
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const timer = setTimeout(finish, timeoutMs);
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: ({ partition, message }) => {
          const range = ranges.get(partition);
          const at = BigInt(message.offset);
          if (range && at >= range.start && at < range.end && collected.length < limit)
            collected.push(deadLetteredOf(topic, partition, message));
          if (!range || at >= range.end - 1n) open.delete(partition);
          if (open.size === 0 || collected.length >= limit) finish();
          return Promise.resolve();
        },
      });
      for (const [partition, { start }] of ranges)
        consumer.seek({ topic, partition, offset: start.toString() });
      await finished;
      if (open.size > 0 && collected.length < limit)
        throw new Error(`${topic}: not read to its end within ${timeoutMs} ms`);
      return collected;
    } finally {
      clearTimeout(timer);
      await consumer.disconnect().catch(() => undefined);
      await this.admin.deleteGroups([groupId]).catch(() => undefined);
    }
  }
}

function deadLetteredOf(topic: string, partition: number, message: KafkaMessage): DeadLetteredMessage {
  const headers: Record<string, string> = {};
  const failure: Record<string, string> = {};
  for (const [name, raw] of Object.entries(message.headers ?? {})) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value === undefined) continue;
    const text = value.toString();
    if (name.startsWith(DLQ_HEADER)) failure[name.slice(DLQ_HEADER.length)] = text;
    else headers[name] = text;
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    value: message.value?.toString('utf8') ?? null,
    headers,
    failure,
  };
}
