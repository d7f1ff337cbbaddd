import { context as otelContext, SpanKind, SpanStatusCode, trace, type Link } from '@opentelemetry/api';
import type { KafkaMessage } from 'kafkajs';
import { counter, histogram, type Logger } from '@platform/observability';
import { NonRetriableError, type BatchHandler } from './consumed-message';
import { decodeMessage, type DecodedMessage } from './decode-message';
import { forEachLimited, groupByKey } from './key-groups';
import { backoff, consumed, tracer, type AttemptOptions, type MessageAttempts } from './message-attempts';

export interface BatchAttemptOptions extends AttemptOptions {
  /** Messages given to one handler call, at most. */
  readonly maxBatchSize: number;
  /** Keys handled at once when a failed batch is handled one message at a time. */
  readonly concurrency: number;
}

/** One partition's fetched messages and how to report progress on them. */
export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly KafkaMessage[];
  /** The consumer's group membership this batch was fetched under (see `BatchContext.assignment`). */
  readonly assignment: number;
  /** False once the consumer stops or loses the partition: start nothing new. */
  readonly active: () => boolean;
  /** Called once per message done with (handled or dead-lettered). */
  readonly done: (offset: string) => void;
  readonly heartbeat: () => Promise<void>;
}

const batches = counter('messaging_batches_total', 'Batch handler calls, by outcome', ['topic', 'outcome']);
const batchSeconds = histogram('messaging_batch_handle_seconds', 'Time to handle one batch', ['topic']);

/**
 * Batch mode of a subscription. Messages failing decoding are dead-lettered one by one and never
 * reach the handler; the valid ones go to the handler in chunks of `maxBatchSize`, in offset order.
 * A chunk that fails is retried whole with backoff; once its attempts are spent (at once for a
 * {@link NonRetriableError}) its messages are handled one by one, each with attempts of its own then
 * the DLQ, so that a poison message is dead-lettered alone and the good ones are applied.
 *
 * Per-key order: within a chunk the handler sees a key's messages in offset order; one by one,
 * a key's messages run in offset order too. A message dead-lettered leaves a gap in its key's
 * sequence and the key's later messages are still handled, as in per-message mode.
 */
export class BatchAttempts {
  constructor(
    private readonly handler: BatchHandler,
    private readonly single: MessageAttempts,
    private readonly options: BatchAttemptOptions,
    private readonly logger: Logger,
  ) {}

  async process(batch: PartitionBatch): Promise<void> {
    const valid: DecodedMessage[] = [];
    for (const raw of batch.messages) {
      const decoding = decodeMessage(batch.topic, batch.partition, raw);
      if (decoding.ok) {
        valid.push(decoding.decoded);
        continue;
      }
      await this.single.deadLetterUndecodable(
        batch.topic,
        batch.partition,
        raw,
        decoding.reason,
        decoding.why,
      );
      batch.done(raw.offset);
    }
    for (let start = 0; start < valid.length; start += this.options.maxBatchSize) {
      if (!batch.active()) return;
      await this.processChunk(batch, valid.slice(start, start + this.options.maxBatchSize));
      await batch.heartbeat();
    }
  }

  private async processChunk(batch: PartitionBatch, chunk: readonly DecodedMessage[]): Promise<void> {
    if (chunk.length === 1) return this.oneByOne(batch, chunk);
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(batch, chunk, attempt);
      if (outcome === 'ok') {
        for (const { message } of chunk) batch.done(message.offset);
        return;
      }
      const { error } = outcome;
      if (error instanceof NonRetriableError || attempt >= this.options.maxAttempts) {
        this.logger.warn(
          { topic: batch.topic, partition: batch.partition, size: chunk.length, err: error, attempt },
          'batch handler failed: handling its messages one by one',
        );
        batches.inc({ topic: batch.topic, outcome: 'isolated' });
        return this.oneByOne(batch, chunk);
      }
      batches.inc({ topic: batch.topic, outcome: 'retried' });
      await backoff(this.options.retryBackoffMs, attempt);
      // the partition's next owner takes the chunk over from its last committed offset
      if (!batch.active()) return;
      await batch.heartbeat();
    }
  }

  private async oneByOne(batch: PartitionBatch, chunk: readonly DecodedMessage[]): Promise<void> {
    const keyed = chunk.map((decoded) => ({ key: decoded.message.key, decoded }));
    await forEachLimited(groupByKey(keyed), this.options.concurrency, async (group) => {
      for (const { decoded } of group) {
        if (!batch.active()) return;
        await this.single.handle(
          decoded,
          (message, attempt) =>
            this.handler([message], {
              topic: batch.topic,
              partition: batch.partition,
              attempt,
              isolated: true,
              assignment: batch.assignment,
            }),
          false,
        );
        batch.done(decoded.message.offset);
        // sent at most once per heartbeat interval: a long one-by-one pass keeps the group
        await batch.heartbeat();
      }
    });
  }

  /**
   * One call of the handler with the chunk, in a CONSUMER span that continues the trace of the
   * chunk's first message and links to the others' producers (ADR 0027): one span per batch, never
   * one per message, and each batch shows in a trace.
   */
  private attempt(
    batch: PartitionBatch,
    chunk: readonly DecodedMessage[],
    attempt: number,
  ): Promise<'ok' | { error: unknown }> {
    const { topic, partition } = batch;
    const first = chunk[0];
    const links: Link[] = [];
    for (let i = 1; i < chunk.length; i++) {
      const context = trace.getSpanContext(chunk[i]!.producerContext);
      if (context) links.push({ context });
    }
    const parent = first?.producerContext ?? otelContext.active();
    const span = tracer.startSpan(
      `process ${topic}`,
      {
        kind: SpanKind.CONSUMER,
        links,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.name': 'process',
          'messaging.operation.type': 'process',
          'messaging.destination.name': topic,
          'messaging.consumer.group.name': this.options.groupId,
          'messaging.destination.partition.id': String(partition),
          'messaging.batch.message_count': chunk.length,
          'messaging.attempt': attempt,
          // the tenant of the trace it belongs to (a batch may hold several tenants' messages)
          ...(first && { 'tenant.id': first.message.attributes.tenantId }),
        },
      },
      parent,
    );
    const stopTimer = batchSeconds.startTimer({ topic });
    const messages = chunk.map(({ message }) => message);
    return otelContext.with(trace.setSpan(parent, span), async () => {
      try {
        await this.handler(messages, {
          topic,
          partition,
          attempt,
          isolated: false,
          assignment: batch.assignment,
        });
        batches.inc({ topic, outcome: 'ok' });
        consumed.inc({ topic, outcome: 'ok' }, messages.length);
        return 'ok' as const;
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        return { error };
      } finally {
        stopTimer();
        span.end();
      }
    });
  }
}
