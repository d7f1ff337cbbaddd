import { PLATFORM_TENANT_ID, type AuditLog } from '@platform/audit';
import { isUuid, ProblemError } from '@platform/contracts';
import type { DeadLetteredMessage, DeadLetterPage, DeadLetters } from '@platform/messaging';
import type { Operator } from '../parking/parked-aggregates';

/** What a replay of a dead-lettered message did. */
export interface DeadLetterReplay {
  readonly replayedTo: string;
  readonly key: string | null;
  readonly eventId: string | null;
}

/**
 * The operator's actions on the Kafka dead-letter topics (`<topic>.dlq`): list, show one, replay one
 * to the topic it came from (same key, value and headers). A replay leaves an audit record first
 * (in the chain of the message's `ce_tenantid`, or the platform's when it has none): a replay whose
 * record cannot be written does not happen. A send that fails after its record is answered 503 and
 * recorded as `dlq.replay.failed`.
 */
export class DeadLetterOperations {
  constructor(
    private readonly deadLetters: DeadLetters,
    private readonly audit: AuditLog,
    /** `KAFKA_TOPIC_PREFIX`: operators name topics without it. */
    private readonly prefix: string,
  ) {}

  list(topic: string, options: { limit: number; fromOffset?: string }): Promise<DeadLetterPage> {
    return this.unavailableOnError(() => this.deadLetters.read(this.prefix + topic, options));
  }

  async show(topic: string, partition: number, offset: string): Promise<DeadLetteredMessage> {
    const message = await this.unavailableOnError(() =>
      this.deadLetters.find(this.prefix + topic, partition, offset),
    );
    if (!message) throw new ProblemError('notFound', `no message at ${topic}.dlq ${partition}/${offset}`);
    return message;
  }

  async replay(
    topic: string,
    partition: number,
    offset: string,
    operator: Operator,
  ): Promise<DeadLetterReplay> {
    const message = await this.show(topic, partition, offset);
    const tenantHeader = message.headers.ce_tenantid;
    const record = {
      tenantId:
        tenantHeader !== undefined && isUuid(tenantHeader) ? tenantHeader.toLowerCase() : PLATFORM_TENANT_ID,
      actor: operator.actor,
      target: `kafka/${message.topic}/${message.partition}/${message.offset}`,
      previousState: {
        eventId: message.headers.ce_id ?? null,
        type: message.headers.ce_type ?? null,
        key: message.key,
        failure: { ...message.failure },
      },
      requestId: operator.requestId,
      correlationId: operator.correlationId,
    };
    const target = message.failure.original_topic ?? message.topic.replace(/\.dlq$/, '');
    await this.audit.append({ ...record, action: 'dlq.replay', newState: { replayedTo: target } });
    try {
      await this.deadLetters.replay(message);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      await this.audit.append({ ...record, action: 'dlq.replay.failed', newState: { error: detail } });
      throw new ProblemError(
        'unavailable',
        `could not send the message back to ${target}: ${detail}`,
        undefined,
        {
          'retry-after': '5',
        },
      );
    }
    return { replayedTo: target, key: message.key, eventId: message.headers.ce_id ?? null };
  }

  private async unavailableOnError<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof ProblemError) throw error;
      const detail = error instanceof Error ? error.message : String(error);
      throw new ProblemError('unavailable', `Kafka: ${detail}`, undefined, { 'retry-after': '5' });
    }
  }
}
