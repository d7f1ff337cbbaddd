import type { Consumer, Kafka } from 'kafkajs';
import { headerText, ProblemError } from '@platform/contracts';
import type { Logger } from '@platform/observability';

interface Waiter {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * The requesting side of request-reply over Kafka. Each instance owns a one-partition reply topic
 * and a consumer group of its own, so a reply is read by exactly the instance that waits for it
 * (no shared reply partitions, no rebalancing between instances). Replies are matched on
 * `ce_causationid` = the request's `ce_id`.
 */
export class ReplyListener {
  private readonly waiters = new Map<string, Waiter>();
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
        const waiter = requestId === undefined ? undefined : this.waiters.get(requestId);
        if (!waiter || requestId === undefined) return; // late reply to a request that timed out
        this.waiters.delete(requestId);
        clearTimeout(waiter.timer);
        try {
          waiter.resolve(message.value === null ? null : JSON.parse(message.value.toString('utf8')));
        } catch (error) {
          waiter.reject(error);
        }
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

  /** Registers interest in the reply to `requestId`; call before the request is sent. */
  expect(requestId: string, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(requestId);
        reject(
          new ProblemError('timeout', `no answer within ${timeoutMs} ms; the request may still complete`),
        );
      }, timeoutMs);
      this.waiters.set(requestId, { resolve, reject, timer });
    });
  }

  cancel(requestId: string, error: unknown): void {
    const waiter = this.waiters.get(requestId);
    if (!waiter) return;
    this.waiters.delete(requestId);
    clearTimeout(waiter.timer);
    waiter.reject(error);
  }

  get pending(): number {
    return this.waiters.size;
  }

  async stop(): Promise<void> {
    for (const id of [...this.waiters.keys()]) {
      this.cancel(id, new ProblemError('unavailable', 'the service is shutting down'));
    }
    clearInterval(this.commitTimer);
    await this.commit();
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
    this.logger.debug({ replyTopic: this.replyTopic }, 'reply listener stopped');
  }
}
