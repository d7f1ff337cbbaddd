import { setTimeout as sleep } from 'node:timers/promises';
import { context as otelContext, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { KafkaMessage } from 'kafkajs';
import { counter, histogram, type Logger } from '@platform/observability';
import { TenantContextStore } from '@platform/tenancy';
import type { BatchingProducer } from '../batching-producer';
import {
  NonRetriableError,
  type BeforeDeadLetter,
  type ConsumedMessage,
  type HandlerFailure,
} from './consumed-message';
import { deadLetter, type DeadLetterReason } from './dead-letter';
import { tenantContextOf, type DecodedMessage } from './decode-message';

export interface AttemptOptions {
  readonly groupId: string;
  /** Attempts before a failing message is dead-lettered. */
  readonly maxAttempts: number;
  /** Base of the exponential backoff between attempts (with jitter). */
  readonly retryBackoffMs: number;
  /** See {@link BeforeDeadLetter}. */
  readonly beforeDeadLetter?: BeforeDeadLetter;
}

/** Runs one message's handling once; `attempt` counts from 1. */
export type Invoke = (message: ConsumedMessage, attempt: number) => Promise<void>;

export const consumed = counter('messaging_messages_total', 'Messages consumed, by outcome', [
  'topic',
  'outcome',
]);
const handleSeconds = histogram('messaging_handle_seconds', 'Time to handle one message', ['topic']);
export const tracer = trace.getTracer('@platform/messaging');

/** Waits before attempt `attempt + 1`: exponential from `baseMs`, with up to as much jitter. */
export function backoff(baseMs: number, attempt: number): Promise<void> {
  const base = baseMs * 2 ** (attempt - 1);
  return sleep(base + Math.random() * base);
}

/**
 * Handles one message: attempts with backoff, a CONSUMER span per attempt continuing the
 * producer's trace, then the DLQ (at once for a {@link NonRetriableError}).
 */
export class MessageAttempts {
  constructor(
    private readonly producer: BatchingProducer,
    private readonly options: AttemptOptions,
    private readonly logger: Logger,
  ) {}

  /** Dead-letters a message that failed decoding: it never reaches a handler. */
  async deadLetterUndecodable(
    topic: string,
    partition: number,
    raw: KafkaMessage,
    reason: DeadLetterReason,
    why: string,
  ): Promise<void> {
    if (reason === 'invalid-headers')
      this.logger.warn(
        { topic, partition, offset: raw.offset, why },
        'message without valid CloudEvents headers: dead-lettered',
      );
    await deadLetter(this.producer, this.options.groupId, topic, partition, raw, reason, why, 0);
    consumed.inc({ topic, outcome: 'dead_lettered' });
  }

  /**
   * Attempts `invoke` until it succeeds or the attempts run out, then dead-letters the message.
   * With `inTenantContext`, each attempt runs in the message's tenant context.
   */
  async handle(decoded: DecodedMessage, invoke: Invoke, inTenantContext: boolean): Promise<void> {
    const { message, raw } = decoded;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(decoded, invoke, inTenantContext, attempt);
      if (outcome === 'ok') return;
      const error = outcome.error;
      const retriable = !(error instanceof NonRetriableError);
      if (!retriable || attempt >= this.options.maxAttempts) {
        this.logger.error(
          { topic: message.topic, offset: message.offset, err: error, attempt },
          'message handler failed: dead-lettered',
        );
        const failure: HandlerFailure = {
          reason: retriable ? 'handler-failed' : 'invalid-payload',
          error: error instanceof Error ? error.message : String(error),
          attempts: attempt,
        };
        await this.beforeDeadLetter(message, failure);
        await deadLetter(
          this.producer,
          this.options.groupId,
          message.topic,
          message.partition,
          raw,
          failure.reason,
          failure.error,
          attempt,
        );
        consumed.inc({ topic: message.topic, outcome: 'dead_lettered' });
        return;
      }
      consumed.inc({ topic: message.topic, outcome: 'retried' });
      await backoff(this.options.retryBackoffMs, attempt);
    }
  }

  /** The subscription's {@link BeforeDeadLetter}, with attempts of its own; throws when they run out. */
  private async beforeDeadLetter(message: ConsumedMessage, failure: HandlerFailure): Promise<void> {
    const hook = this.options.beforeDeadLetter;
    if (!hook) return;
    for (let attempt = 1; ; attempt++) {
      try {
        return await hook(message, failure);
      } catch (error) {
        if (attempt >= this.options.maxAttempts) throw error;
        this.logger.warn(
          { topic: message.topic, offset: message.offset, err: error, attempt },
          'before-dead-letter hook failed: retrying',
        );
        await backoff(this.options.retryBackoffMs, attempt);
      }
    }
  }

  private attempt(
    { message, producerContext }: DecodedMessage,
    invoke: Invoke,
    inTenantContext: boolean,
    attempt: number,
  ): Promise<'ok' | { error: unknown }> {
    const { topic } = message;
    const span = tracer.startSpan(
      `process ${topic}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.name': 'process',
          'messaging.operation.type': 'process',
          'messaging.destination.name': topic,
          'messaging.consumer.group.name': this.options.groupId,
          'messaging.destination.partition.id': String(message.partition),
          'messaging.kafka.offset': Number(message.offset),
          'messaging.kafka.message.key': message.key,
          'messaging.message.id': message.attributes.id,
          'cloudevents.event_type': message.attributes.type,
          'tenant.id': message.attributes.tenantId,
          'messaging.attempt': attempt,
        },
      },
      producerContext,
    );
    const stopTimer = handleSeconds.startTimer({ topic });
    const run = async (): Promise<'ok' | { error: unknown }> => {
      try {
        await invoke(message, attempt);
        consumed.inc({ topic, outcome: 'ok' });
        return 'ok';
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        return { error };
      } finally {
        stopTimer();
        span.end();
      }
    };
    return otelContext.with(trace.setSpan(producerContext, span), () =>
      inTenantContext ? TenantContextStore.run(tenantContextOf(message), run) : run(),
    );
  }
}
