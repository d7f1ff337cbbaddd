import type { Consumer, Kafka } from 'kafkajs';
import { headerText, ProblemError } from '@platform/contracts';
import type { Logger } from '@platform/observability';
import { PendingReplies } from './pending-replies';

/**
 * The requesting side of request-reply over Kafka. Each instance owns a one-partition reply topic
 * and a consumer group of its own, so a reply is read by exactly the instance that waits for it
 * (no shared reply partitions, no rebalancing between instances). Replies are matched on
 * `ce_causationid` = the request's `ce_id`; the waiting itself is {@link PendingReplies}.
 */
export class ReplyListener {
  private readonly replies = new PendingReplies();
  private consumer: Consumer | undefined;
  /** The next offset to commit per partition of the reply topic, and the timer that commits it. */
  private readonly finishedOffsets = new Map<number, string>();
  private commitTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly kafka: Kafka,
    readonly replyTopic: string,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.replyTopic,
      // a reply ends the fetch at once; the wait only paces the empty fetches while no request is out
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
    await consumer.connect();
    // The topic is this instance's own: reading it from the start can only replay stale replies, never miss one.
    await consumer.subscribe({ topic: this.replyTopic, fromBeginning: true });
    await consumer.run({
      // a commit per reply was a broker round trip per request: committed once a second instead
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        this.finishedOffsets.set(partition, (BigInt(message.offset) + 1n).toString());
        const requestId = headerText(message.headers?.ce_causationid);
        if (requestId === undefined) return;
        // false for a late reply to a request that timed out: dropped
        this.replies.settle(requestId, () =>
          message.value === null ? null : (JSON.parse(message.value.toString('utf8')) as unknown),
        );
      },
    });
    await joined;
    this.commitTimer = setInterval(() => void this.commit(), 1_000);
    this.commitTimer.unref();
  }

  /** Commits how far the replies were read, so that a restart under the same instance id does not read them again. */
  private async commit(): Promise<void> {
    const consumer = this.consumer;
    if (!consumer || this.finishedOffsets.size === 0) return;
    const offsets = [...this.finishedOffsets].map(([partition, offset]) => ({
      topic: this.replyTopic,
      partition,
      offset,
    }));
    this.finishedOffsets.clear();
    try {
      await consumer.commitOffsets(offsets);
    } catch {
      // tried again on the next tick, unless newer replies were read meanwhile
      for (const { partition, offset } of offsets) {
        if (!this.finishedOffsets.has(partition)) this.finishedOffsets.set(partition, offset);
      }
    }
  }

  /**
   * Sends a request with `send` and waits for its reply on this listener's topic: 503 at once if the
   * send fails, 504 after `timeoutMs` without a reply (see {@link PendingReplies}).
   */
  request(requestId: string, send: () => Promise<void>, timeoutMs: number): Promise<unknown> {
    return this.replies.request(requestId, send, timeoutMs);
  }

  get pending(): number {
    return this.replies.size;
  }

  async stop(): Promise<void> {
    this.replies.failAll(new ProblemError('unavailable', 'the service is shutting down'));
    clearInterval(this.commitTimer);
    await this.commit();
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
    this.logger.debug({ replyTopic: this.replyTopic }, 'reply listener stopped');
  }
}
