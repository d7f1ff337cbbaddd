import { randomUUID } from 'node:crypto';
import {
  type Admin,
  type Consumer,
  type IHeaders,
  Kafka,
  type KafkaMessage,
  type LogEntry,
  Partitioners,
  type Producer,
  logLevel,
} from 'kafkajs';
import { now, percentile, sleep } from './stats';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** The Kafka side of the bench: one client, an admin, and the platform's producer settings. */
export class KafkaKit {
  /** Errors kafkajs logged (a broker unreachable...): a run with any has disturbed Kafka figures. */
  static errors = 0;

  private constructor(
    readonly kafka: Kafka,
    readonly admin: Admin,
    /** Idempotent, one request in flight, sent with acks=all: libs/messaging's settings. */
    readonly producer: Producer,
  ) {}

  static async connect(brokers: string[], clientId: string): Promise<KafkaKit> {
    // patient retries: a broker restarted by someone else's test is back within a minute
    const kafka = new Kafka({
      clientId,
      brokers,
      logLevel: logLevel.ERROR,
      retry: { initialRetryTime: 300, retries: 10 },
      logCreator:
        () =>
        ({ log }: LogEntry) => {
          KafkaKit.errors += 1;
          process.stderr.write(`[bench] kafkajs: ${log.message}\n`);
        },
    });
    const admin = kafka.admin();
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await Promise.all([admin.connect(), producer.connect()]);
    return new KafkaKit(kafka, admin, producer);
  }

  async createTopic(topic: string, partitions: number): Promise<void> {
    await this.admin.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
      waitForLeaders: true,
    });
  }

  /** Sum of the high watermarks of every topic but `exclude`, per topic. */
  async highWatermarks(exclude: ReadonlySet<string>): Promise<Map<string, number>> {
    const topics = (await this.admin.listTopics()).filter((t) => !t.startsWith('__') && !exclude.has(t));
    const out = new Map<string, number>();
    for (const topic of topics) {
      const offsets = await this.admin.fetchTopicOffsets(topic).catch(() => []);
      out.set(
        topic,
        offsets.reduce((sum, partition) => sum + Number(partition.high), 0),
      );
    }
    return out;
  }

  async close(deleteTopics: readonly string[]): Promise<void> {
    if (deleteTopics.length > 0) {
      await this.admin.deleteTopics({ topics: [...deleteTopics] }).catch(() => undefined);
    }
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }
}

/**
 * A consumer (its own group) that times the arrival of tracked ids. An id is found in a header value
 * (`ce_id` for the platform's CloudEvents framing) or, failing that, as a UUID in the value; ids not
 * tracked (duplicates of an at-least-once delivery, other traffic) are ignored.
 */
export class ArrivalTap {
  private readonly pending = new Map<string, number>();
  private latencies: number[] = [];
  private lastArrival = 0;
  private waiter: (() => void) | undefined;

  private constructor(private readonly consumer: Consumer) {}

  static async start(kit: KafkaKit, topics: readonly string[], fromBeginning: boolean): Promise<ArrivalTap> {
    const consumer = kit.kafka.consumer({
      groupId: `bench-${randomUUID()}`,
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
    });
    const tap = new ArrivalTap(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        const arrived = now();
        for (const message of batch.messages) tap.arrive(message, arrived);
      },
    });
    await joined;
    return tap;
  }

  /** Expects `id`, sent at `sentAt` (performance.now()). */
  track(id: string, sentAt: number): void {
    this.pending.set(id.toLowerCase(), sentAt);
  }

  /** Forgets the previous trial's figures. */
  reset(): void {
    this.pending.clear();
    this.latencies = [];
    this.lastArrival = 0;
  }

  /** Resolves once every tracked id has arrived; rejects after `timeoutMs`. */
  async waitAll(timeoutMs: number): Promise<void> {
    if (this.pending.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        new Promise<void>((resolve) => {
          this.waiter = resolve;
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(new Error(`${this.pending.size} message(s) did not reach Kafka within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
      this.waiter = undefined;
    }
  }

  /** performance.now() of the last tracked arrival. */
  get lastArrivalAt(): number {
    return this.lastArrival;
  }

  latency(p: number): number {
    return percentile(this.latencies, p);
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect().catch(() => undefined);
  }

  private arrive(message: KafkaMessage, arrived: number): void {
    const id = this.identify(message);
    if (id === undefined) return;
    const sentAt = this.pending.get(id);
    if (sentAt === undefined) return;
    this.pending.delete(id);
    this.latencies.push(arrived - sentAt);
    this.lastArrival = arrived;
    if (this.pending.size === 0) this.waiter?.();
  }

  private identify(message: KafkaMessage): string | undefined {
    for (const value of headerValues(message.headers)) {
      if (this.pending.has(value)) return value;
    }
    for (const match of message.value?.toString().matchAll(UUID) ?? []) {
      const id = match[0].toLowerCase();
      if (this.pending.has(id)) return id;
    }
    return undefined;
  }
}

function headerValues(headers: IHeaders | undefined): string[] {
  const out: string[] = [];
  for (const value of Object.values(headers ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined) out.push(item.toString().toLowerCase());
    }
  }
  return out;
}

/** Sends at `ratePerSecond` for `seconds`: `send(i)` is called on schedule, not awaited in turn. */
export async function paced(
  ratePerSecond: number,
  seconds: number,
  send: (index: number) => Promise<unknown>,
): Promise<void> {
  const count = Math.round(ratePerSecond * seconds);
  const interval = 1000 / ratePerSecond;
  const start = now();
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < count; i += 1) {
    const wait = start + i * interval - now();
    if (wait > 0) await sleep(wait);
    inFlight.push(send(i));
  }
  await Promise.all(inFlight);
}
