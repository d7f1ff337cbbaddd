import { randomUUID } from 'node:crypto';
import type { Message } from 'kafkajs';
import { encodeCloudEventHeaders } from '@platform/contracts';
import type { BenchConfig } from '../config';
import { EVENT_TYPE, context, itemAdded } from '../events';
import { type Contender, type Row, type Trial, alternate, progress, toRow } from '../harness';
import type { Side } from '../stores';
import { ArrivalTap, KafkaKit, paced } from '../kafka-tap';
import { now } from '../stats';
import type { StoreTargets } from './appends';
import { type KafkaContender, setUpRelay } from './relay';

/** Events per throughput trial; pace and length of a latency trial. */
const KAFKA_EVENTS = 10_000;
const KAFKA_BATCH = 500;
const LATENCY_RATE = 200;
const LATENCY_SECONDS = 2.5;
const PARTITIONS = 6;
const STREAMS = 100;

/**
 * An event framed as the platform frames events on Kafka (libs/contracts CloudEvents headers,
 * key = aggregate id, the data as JSON): what the relay is to produce, and what the raw baseline sends.
 */
function eventMessage(id: string, tenantId: string, streamName: string, version: number): Message {
  const meta = context(tenantId);
  return {
    key: streamName,
    value: JSON.stringify(itemAdded(streamName, version)),
    headers: encodeCloudEventHeaders({
      id,
      type: `orders.${EVENT_TYPE}`,
      source: '/event-relay',
      time: meta.occurredAt,
      subject: streamName,
      tenantId,
      correlationId: meta.correlationId,
      causationId: meta.causationId,
      sequence: version,
      dataSchemaVersion: 1,
      actor: meta.actor,
      traceparent: meta.traceparent,
    }),
  };
}

/** The peer of the relay: kafkajs producing the same messages directly, with the platform's settings. */
function rawKafkajs(kit: KafkaKit, tap: ArrivalTap, topic: string): KafkaContender {
  const streams = Array.from({ length: STREAMS }, () => `order-${randomUUID()}`);
  const tenantId = randomUUID();
  return {
    // n messages in batches of 500, each send awaited (as a relay does between checkpoints)
    async throughput(n) {
      tap.reset();
      const start = now();
      for (let first = 0; first < n; first += KAFKA_BATCH) {
        const messages: Message[] = [];
        for (let i = first; i < Math.min(n, first + KAFKA_BATCH); i += 1) {
          const id = randomUUID();
          tap.track(id, start);
          messages.push(eventMessage(id, tenantId, streams[i % STREAMS]!, i + 1));
        }
        await kit.producer.send({ topic, messages, acks: -1 });
      }
      await tap.waitAll(60_000);
      return { value: n / ((tap.lastArrivalAt - start) / 1000) };
    },
    // one message per send, on a steady pace: send call -> consumed
    async latency(seconds) {
      tap.reset();
      await paced(LATENCY_RATE, seconds, async (i) => {
        const id = randomUUID();
        const message = eventMessage(id, tenantId, streams[i % STREAMS]!, i + 1);
        tap.track(id, now());
        await kit.producer.send({ topic, messages: [message], acks: -1 });
      });
      await tap.waitAll(30_000);
      return { value: tap.latency(50), extra: { p99: tap.latency(99) } };
    },
    close: () => tap.stop(),
  };
}

export interface KafkaResult {
  rows: Row[];
  /** Topics this run created (deleted afterwards unless BENCH_KEEP=1). */
  topics: string[];
}

/**
 * Relay throughput into Kafka and append -> visible on Kafka latency: ours is libs/event-relay when it
 * exists (see relay.ts), the peer is raw kafkajs producing the same messages (what no relay can beat).
 */
export async function kafkaScenarios(
  config: BenchConfig,
  targets: StoreTargets,
  isSelected: (id: string) => boolean,
): Promise<KafkaResult> {
  if (!isSelected('kafka')) return { rows: [], topics: [] };
  const kit = await KafkaKit.connect(config.brokers, `bench-${config.runId}`);
  const rawTopic = `bench.${config.runId}.raw`;
  const topics = [rawTopic];
  const closers: (() => Promise<void>)[] = [];
  try {
    progress(`kafka: raw kafkajs baseline on ${rawTopic} (${PARTITIONS} partitions, acks=all, idempotent)`);
    await kit.createTopic(rawTopic, PARTITIONS);
    const raw = rawKafkajs(kit, await ArrivalTap.start(kit, [rawTopic], true), rawTopic);
    closers.push(() => raw.close());

    const relay = await setUpRelay(config, targets, kit);
    topics.push(...relay.topics);
    const contenders: Contender<KafkaContender>[] = [];
    if (relay.available) {
      closers.push(() => relay.contender.close());
      contenders.push({ side: 'ours', subject: relay.contender });
    } else {
      console.log(`relay scenario: ${relay.reason}`);
    }
    contenders.push({ side: 'peer', subject: raw });
    let note = relay.available ? relay.note : `relay scenario: ${relay.reason}`;

    const measure = async (
      all: Contender<KafkaContender>[],
    ): Promise<{ throughput: Record<Side, Trial[]>; latency: Record<Side, Trial[]> }> => {
      progress(`kafka-throughput: ${KAFKA_EVENTS} events per trial`);
      const throughput = await alternate(config, all, (c, warmup) =>
        c.throughput(warmup ? 1_000 : KAFKA_EVENTS),
      );
      progress(`kafka-latency: ${LATENCY_RATE} events/s for ${LATENCY_SECONDS}s per trial`);
      const latency = await alternate(config, all, (c, warmup) => c.latency(warmup ? 0.5 : LATENCY_SECONDS));
      return { throughput, latency };
    };
    let measured: Awaited<ReturnType<typeof measure>>;
    try {
      measured = await measure(contenders);
    } catch (error) {
      if (contenders.length === 1) throw error;
      // the relay failed during its trials: say so, and still measure the baseline
      note = `relay scenario: failed during its trials (${(error as Error).message.split('\n')[0]})`;
      console.log(note);
      measured = await measure(contenders.filter((c) => c.side === 'peer'));
    }
    const { throughput, latency } = measured;
    if (KafkaKit.errors > 0) {
      note += ` | Kafka was unreachable for a while during these trials (${KafkaKit.errors} client errors logged): disturbed figures.`;
    }
    const p99 = (trials: Trial[]): Trial[] => trials.map((t) => ({ value: t.extra?.['p99'] ?? Number.NaN }));
    const peerLabel = 'raw kafkajs producer';
    return {
      topics,
      rows: [
        toRow(
          {
            id: 'kafka-throughput',
            scenario: `relay -> Kafka throughput, ${KAFKA_EVENTS.toLocaleString('en-US')} events`,
            unit: 'events/s',
            better: 'higher',
            peerLabel,
            note,
          },
          throughput,
        ),
        toRow(
          {
            id: 'kafka-latency-p50',
            scenario: `append -> visible on Kafka, p50 at ${LATENCY_RATE} events/s`,
            unit: 'ms',
            better: 'lower',
            peerLabel: `${peerLabel} (send -> consumed)`,
            note,
          },
          latency,
        ),
        toRow(
          {
            id: 'kafka-latency-p99',
            scenario: `append -> visible on Kafka, p99 at ${LATENCY_RATE} events/s`,
            unit: 'ms',
            better: 'lower',
            peerLabel: `${peerLabel} (send -> consumed)`,
            note,
          },
          { ours: p99(latency.ours), peer: p99(latency.peer) },
        ),
      ],
    };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await kit.close(config.keep ? [] : topics);
  }
}
