import { randomUUID } from 'node:crypto';
import type { KafkaMessaging } from '@platform/messaging';
import type { Readiness } from '../health/readiness';

export interface FollowOptions {
  readonly messaging: KafkaMessaging;
  readonly readiness: Readiness;
  /** Names the consumer group and the readiness check. */
  readonly service: string;
  readonly name: string;
  /** Full topic name. */
  readonly topic: string;
  readonly partitions: number;
  /** Applies one message value; throw `NonRetriableError` for a value that can never apply. */
  readonly apply: (value: unknown) => void;
}

/**
 * Builds a local view from a topic: a fresh consumer group per process start reads the topic from
 * the beginning, then keeps following it. Resolves (and reports ready) once it has caught up with
 * what was in the topic at start, so a service never serves from a half-built view.
 */
export async function followFromStart(options: FollowOptions): Promise<void> {
  const { messaging, topic } = options;
  await messaging.ensureTopics([{ topic, partitions: options.partitions }], true);
  const target = await messaging.endOffsets(topic);
  const seen = new Map<number, bigint>();
  let caughtUp = false;
  let markCaughtUp: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (markCaughtUp = resolve));
  const check = (): void => {
    for (const [partition, end] of target) {
      if (end > 0n && (seen.get(partition) ?? -1n) < end - 1n) return;
    }
    caughtUp = true;
    markCaughtUp();
  };
  check();
  options.readiness.register(options.name, async () => {
    if (!caughtUp) throw new Error(`still reading ${topic}`);
  });
  await messaging.subscribe(
    {
      groupId: `${options.service}.${options.name}.${randomUUID()}`,
      topics: [topic],
      fromBeginning: true,
      handler: async (message) => options.apply(message.value),
      onProcessed: (_topic, partition, offset) => {
        // Keys are handled concurrently: the last message done is not always the highest offset.
        const done = BigInt(offset);
        if (done > (seen.get(partition) ?? -1n)) seen.set(partition, done);
        if (!caughtUp) check();
      },
    },
    options.partitions,
  );
  await done;
}
