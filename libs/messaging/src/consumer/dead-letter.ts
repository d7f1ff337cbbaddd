import type { KafkaMessage } from 'kafkajs';
import { dlqTopic } from '@platform/contracts';
import type { BatchingProducer } from '../batching-producer';

export type DeadLetterReason = 'invalid-headers' | 'invalid-payload' | 'handler-failed';

/**
 * Moves a message that cannot be processed to `<topic>.dlq`, untouched (key, value, headers),
 * with what went wrong in `dlq_*` headers. Nothing is lost; an operator can inspect and replay.
 */
export async function deadLetter(
  producer: BatchingProducer,
  groupId: string,
  topic: string,
  partition: number,
  message: KafkaMessage,
  reason: DeadLetterReason,
  error: string,
  attempts: number,
): Promise<void> {
  const headers: Record<string, string | Buffer> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? (value[value.length - 1] ?? '') : value;
  }
  Object.assign(headers, {
    dlq_reason: reason,
    dlq_error: error.slice(0, 2_000),
    dlq_original_topic: topic,
    dlq_original_partition: String(partition),
    dlq_original_offset: message.offset,
    dlq_consumer_group: groupId,
    dlq_attempts: String(attempts),
    dlq_failed_at: new Date().toISOString(),
  });
  await producer.send(dlqTopic(topic), { key: message.key, value: message.value, headers });
}
