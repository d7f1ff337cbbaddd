import type { Message, Producer, TopicMessages } from 'kafkajs';
import { ProducerAvailability, type AvailabilityOptions } from './producer-availability';

interface Pending {
  readonly topic: string;
  readonly message: Message;
  readonly refuseWhenDown: boolean;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export interface SendOptions {
  /**
   * Reject at once (a {@link KafkaUnavailableError}) while Kafka is known to be unable to take the
   * message, and while queued behind a send that has stalled, rather than wait for the producer's
   * retries: for a send a client waits on. A refused message was never handed to Kafka.
   */
  readonly refuseWhenDown?: boolean;
}

/** Kafka cannot take messages now (its last send failed, or one has stalled); nothing was sent. */
export class KafkaUnavailableError extends Error {
  constructor(reason: string) {
    super(`Kafka is unavailable: ${reason}`);
    this.name = 'KafkaUnavailableError';
  }
}

/**
 * Coalesces sends: everything handed over while a produce request is in flight (or within the
 * same tick) goes out in the next single `sendBatch`. On a 2-core box this is what turns
 * thousands of one-message sends per second into a few dozen requests. Each send's promise
 * settles when its batch is acknowledged by all in-sync replicas (acks=all).
 *
 * It also keeps {@link ProducerAvailability} from its own sends, so that sends marked
 * `refuseWhenDown` fail fast while the brokers are away (kafkajs would retry each batch for
 * seconds first).
 */
export class BatchingProducer {
  private queue: Pending[] = [];
  private scheduled = false;
  private inFlight: Promise<void> | undefined;
  readonly availability: ProducerAvailability;

  constructor(
    private readonly producer: Producer,
    private readonly maxBatch = 2_000,
    availability: AvailabilityOptions = {},
  ) {
    this.availability = new ProducerAvailability(availability);
  }

  send(topic: string, message: Message, options: SendOptions = {}): Promise<void> {
    const refuseWhenDown = options.refuseWhenDown ?? false;
    if (refuseWhenDown) {
      const refusal = this.availability.refusal(this.inFlight !== undefined);
      if (refusal !== undefined) return Promise.reject(new KafkaUnavailableError(refusal));
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ topic, message, refuseWhenDown, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once everything handed over so far has been acknowledged or failed. */
  async drain(): Promise<void> {
    while (this.inFlight || this.queue.length > 0) {
      if (!this.inFlight) this.flush();
      await this.inFlight;
    }
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.inFlight || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.maxBatch);
    const stall = this.availability.watch(() => this.refuseQueued());
    this.inFlight = this.sendBatch(batch).finally(() => {
      clearTimeout(stall);
      this.inFlight = undefined;
      if (this.queue.length > 0) this.schedule();
    });
  }

  /** The batch in flight has stalled: what waits behind it and may be refused is refused now. */
  private refuseQueued(): void {
    const refused = this.queue.filter((pending) => pending.refuseWhenDown);
    if (refused.length === 0) return;
    this.queue = this.queue.filter((pending) => !pending.refuseWhenDown);
    const error = new KafkaUnavailableError(this.availability.reason ?? 'a send has stalled');
    for (const pending of refused) pending.reject(error);
  }

  private async sendBatch(batch: readonly Pending[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const { topic, message } of batch) {
      const messages = byTopic.get(topic);
      if (messages) messages.push(message);
      else byTopic.set(topic, [message]);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    try {
      await this.producer.sendBatch({ topicMessages, acks: -1 });
      this.availability.succeeded();
      for (const pending of batch) pending.resolve();
    } catch (error) {
      this.availability.failed(error);
      for (const pending of batch) pending.reject(error);
    }
  }
}
