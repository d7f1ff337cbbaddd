import type { OutgoingMessage } from '@platform/messaging';

/**
 * Where the relay sends events: Kafka through the process's messaging (see
 * {@link KafkaRelayPublisher}), or a fake in unit tests.
 *
 * @example
 * ```ts
 * await publisher.ensureTopics([publisher.topic('orders.events')]);
 * await publisher.publish(messages); // resolves once every message is acknowledged (acks=all)
 * ```
 */
export interface RelayPublisher {
  /** The full name of a base topic (the deployment's prefix applied). */
  topic(base: string): string;
  /** `ce_source` of the messages the relay sends, e.g. `/command-service`. */
  readonly source: string;
  /** Creates the topics that do not exist yet (topics are never auto-created). */
  ensureTopics(topics: readonly string[]): Promise<void>;
  /**
   * Publishes `messages`, keeping their order per key, and resolves once all of them are
   * acknowledged; rejects if any is not (then some may have been written: the caller retries all).
   * Each message's `attributes.traceparent` is the parent of its producer span.
   */
  publish(messages: readonly OutgoingMessage[]): Promise<void>;
}
