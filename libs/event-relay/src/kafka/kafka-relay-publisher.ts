import { context as otelContext, propagation, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import type { KafkaMessaging, OutgoingMessage } from '@platform/messaging';
import type { RelayPublisher } from '../relay-publisher.port';

/**
 * {@link RelayPublisher} on the process's {@link KafkaMessaging} (idempotent producer, acks=all,
 * coalesced sends). Each run of consecutive messages from one trace gets a producer span whose
 * parent is that trace's original span (the request that appended the events), so the publish
 * shows up in the request's trace; a message without `traceparent` starts a trace of its own.
 *
 * @example
 * ```ts
 * const publisher = new KafkaRelayPublisher(messaging, (topic) => (topic.endsWith('tenants.lifecycle') ? 3 : 6));
 * ```
 */
export class KafkaRelayPublisher implements RelayPublisher {
  constructor(
    private readonly messaging: KafkaMessaging,
    /** Partitions of a topic the relay has to create (full name); default 6. */
    private readonly partitionsOf: (topic: string) => number = () => 6,
  ) {}

  topic(base: string): string {
    return this.messaging.topic(base);
  }

  get source(): string {
    return this.messaging.source;
  }

  async ensureTopics(topics: readonly string[]): Promise<void> {
    await this.messaging.ensureTopics(
      topics.map((topic) => ({ topic, partitions: this.partitionsOf(topic) })),
    );
  }

  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    // `publish` hands its messages to the coalescing producer before its first await, so these calls
    // queue the runs in this order and they leave in one request: a key keeps its order across runs.
    const sends = runsOfOneTrace(messages).map((run) =>
      otelContext.with(parentOf(run[0]), () => this.messaging.publish(run)),
    );
    const outcomes = await Promise.allSettled(sends);
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
  }
}

/** Consecutive messages with the same `traceparent` and `tracestate`, in order. */
function runsOfOneTrace(messages: readonly OutgoingMessage[]): [OutgoingMessage, ...OutgoingMessage[]][] {
  const runs: [OutgoingMessage, ...OutgoingMessage[]][] = [];
  for (const message of messages) {
    const run = runs.at(-1);
    if (run !== undefined && sameTrace(run[0], message)) run.push(message);
    else runs.push([message]);
  }
  return runs;
}

const sameTrace = (a: OutgoingMessage, b: OutgoingMessage): boolean =>
  a.attributes.traceparent === b.attributes.traceparent &&
  a.attributes.tracestate === b.attributes.tracestate;

function parentOf(message: OutgoingMessage): Context {
  const { traceparent, tracestate } = message.attributes;
  if (traceparent === undefined) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, {
    traceparent,
    ...(tracestate !== undefined && { tracestate }),
  });
}
