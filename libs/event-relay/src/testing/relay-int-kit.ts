import { randomBytes, randomUUID } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { Client } from 'pg';
import pino from 'pino';
import { headerText, orderStreamName } from '@platform/contracts';
import { PostgresEventStore, type NewEvent } from '@platform/event-store';
import { KafkaMessaging } from '@platform/messaging';
import { deleteTopicsWithPrefix, testInfra, uniqueSuffix } from '@platform/testing';
import { EventRelay, type EventRelayOptions } from '../event-relay';
import { KafkaRelayPublisher } from '../kafka/kafka-relay-publisher';
import { PostgresCheckpointStore } from '../postgres/postgres-checkpoint-store';
import { PostgresRelayLeadership } from '../postgres/postgres-leadership';

// What the relay's integration specs share: a throwaway PostgreSQL schema (event store and
// checkpoint table), a unique topic prefix and relay name, relays on real Kafka, and a raw reader of
// what reached the topics. `cleanUp()` drops the schema and deletes the topics.

export const silentLogger = pino({ level: process.env.RELAY_TEST_LOG_LEVEL ?? 'silent' });

export interface ReceivedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly key: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly value: unknown;
}

export class RelayTestKit {
  readonly schema = `relay_it_${randomBytes(4).toString('hex')}`;
  readonly prefix = `it-relay-${uniqueSuffix()}.`;
  readonly relayName = `it-relay-${uniqueSuffix()}`;
  readonly kafka = new Kafka({
    clientId: 'relay-it',
    brokers: testInfra.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  readonly received: ReceivedMessage[] = [];
  store!: PostgresEventStore;
  checkpoints!: PostgresCheckpointStore;
  private readonly closers: (() => Promise<unknown>)[] = [];
  private reader: Consumer | undefined;

  async setUp(): Promise<void> {
    this.store = await PostgresEventStore.create({
      connectionString: testInfra.databaseUrl,
      schema: this.schema,
      poolSize: 4,
      pollIntervalMs: 20,
    });
    await this.store.migrate();
    this.checkpoints = PostgresCheckpointStore.create({
      connectionString: testInfra.databaseUrl,
      schema: this.schema,
    });
    await this.checkpoints.migrate();
  }

  topic(base: string): string {
    return `${this.prefix}${base}`;
  }

  /** Creates the prefixed topics (3 partitions), so a reader can subscribe before the relay sends. */
  async ensureTopics(bases: readonly string[]): Promise<string[]> {
    const topics = bases.map((base) => this.topic(base));
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: topics.map((topic) => ({ topic, numPartitions: 3, replicationFactor: -1 })),
      });
    } finally {
      await admin.disconnect();
    }
    return topics;
  }

  /** Every event id of the store, in global log order. */
  async logOrder(): Promise<string[]> {
    const ids: string[] = [];
    for await (const event of this.store.readAll()) ids.push(event.eventId);
    return ids;
  }

  /** A relay publishing as `/<service>` (so the test can tell who published what). */
  async relay(service: string, options: Partial<EventRelayOptions> = {}): Promise<EventRelay> {
    const messaging = await KafkaMessaging.connect(
      { brokers: testInfra.kafkaBrokers, clientId: service, topicPrefix: this.prefix, service },
      silentLogger,
    );
    const relay = new EventRelay({
      name: this.relayName,
      store: this.store,
      publisher: new KafkaRelayPublisher(messaging, () => 3),
      checkpoints: this.checkpoints,
      leadership: new PostgresRelayLeadership({ connectionString: testInfra.databaseUrl }),
      logger: silentLogger.child({ service }),
      batching: { maxSize: 50, maxDelayMs: 5 },
      retry: { initialMs: 100, maxMs: 1_000 },
      ...options,
    });
    this.closers.unshift(async () => {
      await relay.stop();
      await messaging.close();
    });
    return relay;
  }

  /** Starts reading `topics` from their beginning into {@link received}. */
  async read(topics: readonly string[]): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: `relay-it-reader-${uniqueSuffix()}`,
      maxWaitTimeInMs: 100,
    });
    this.reader = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([name, value]) => [name, headerText(value) ?? '']),
        );
        this.received.push({
          topic,
          partition,
          offset: BigInt(message.offset),
          key: message.key?.toString() ?? '',
          headers,
          value: JSON.parse(message.value?.toString() ?? 'null') as unknown,
        });
      },
    });
  }

  /** `ce_id`s received, each once. */
  receivedIds(): Set<string> {
    return new Set(this.received.map((m) => m.headers.ce_id ?? ''));
  }

  /** Messages whose `ce_id` was received before (at-least-once redeliveries). */
  duplicates(): number {
    return this.received.length - this.receivedIds().size;
  }

  /** Runs a statement on a connection of its own. */
  async sql<R extends object = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<R[]> {
    const client = new Client({ connectionString: testInfra.databaseUrl });
    await client.connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } finally {
      await client.end();
    }
  }

  async cleanUp(): Promise<void> {
    for (const close of this.closers.splice(0)) await close().catch(() => undefined);
    await this.reader?.disconnect().catch(() => undefined);
    await this.store?.close();
    await this.checkpoints?.close();
    await this.sql(`drop schema if exists "${this.schema}" cascade`);
    await deleteTopicsWithPrefix(this.prefix);
  }
}

/** An order's next event (`OrderCreated` at version 1, then `OrderItemAdded`), as a command would append it. */
export function orderEvent(
  tenantId: string,
  orderId: string,
  version: number,
  traceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
): NewEvent {
  const data =
    version === 1
      ? { orderId, customerId: 'cust-1' }
      : { orderId, sku: `SKU-${version}`, quantity: version, unitPrice: { amount: '1.00', currency: 'EUR' } };
  return {
    eventId: randomUUID(),
    type: version === 1 ? 'OrderCreated' : 'OrderItemAdded',
    data,
    schemaVersion: 1,
    metadata: {
      tenantId,
      correlationId: randomUUID(),
      causationId: randomUUID(),
      actor: 'user:relay-it',
      occurredAt: new Date().toISOString(),
      traceparent,
    },
  };
}

/**
 * Appends to `orders` order streams of `tenantId` (`perAppend` events per append, default 1) from
 * `concurrency` writers, each on its own orders, until `count` events are appended or `until` says
 * stop; returns the appended events' ids. Every append must succeed (it throws otherwise).
 */
export async function appendOrders(
  store: PostgresEventStore,
  tenantId: string,
  options: {
    orders: number;
    count: number;
    until?: () => boolean;
    concurrency?: number;
    perAppend?: number;
    /** Pause of each writer between its appends (a steady load rather than a burst). */
    paceMs?: number;
  },
): Promise<string[]> {
  const lanes = options.concurrency ?? 4;
  const perAppend = options.perAppend ?? 1;
  const orderIds = Array.from({ length: Math.max(options.orders, lanes) }, () => randomUUID());
  const versions = new Map<string, number>();
  const ids: string[] = [];
  let appended = 0;
  const writer = async (lane: number): Promise<void> => {
    const mine = orderIds.filter((_, i) => i % lanes === lane);
    for (let turn = 0; appended < options.count && options.until?.() !== true; turn++) {
      const orderId = mine[turn % mine.length] ?? randomUUID();
      const current = versions.get(orderId) ?? 0;
      const events = Array.from({ length: perAppend }, (_, i) =>
        orderEvent(tenantId, orderId, current + i + 1),
      );
      appended += events.length;
      versions.set(orderId, current + events.length);
      await store.appendToStream(tenantId, orderStreamName(orderId), events, {
        expectedVersion: current === 0 ? 'no-stream' : current,
      });
      ids.push(...events.map((event) => event.eventId));
      if (options.paceMs !== undefined) await sleep(options.paceMs);
    }
  };
  await Promise.all(Array.from({ length: lanes }, (_, lane) => writer(lane)));
  return ids;
}

/**
 * Per-aggregate order under at-least-once: in each partition, a key's `ce_sequence` never runs
 * ahead of what that key already had (a redelivery may repeat earlier ones). Returns the violations.
 */
export function orderViolations(messages: readonly ReceivedMessage[]): string[] {
  const sorted = [...messages].sort((a, b) =>
    a.partition !== b.partition
      ? a.partition - b.partition
      : a.offset < b.offset
        ? -1
        : a.offset > b.offset
          ? 1
          : 0,
  );
  const highest = new Map<string, number>();
  const violations: string[] = [];
  for (const message of sorted) {
    const sequence = Number(message.headers.ce_sequence);
    const seen = highest.get(message.key) ?? 0;
    if (sequence > seen + 1) violations.push(`${message.key}: ${sequence} after ${seen}`);
    highest.set(message.key, Math.max(seen, sequence));
  }
  return violations;
}

export interface TcpProxy {
  /** `connectionString` with host and port replaced by the proxy's. */
  readonly url: (connectionString: string) => string;
  /** Drops every connection and refuses new ones: a network cut between the client and the server. */
  cut(): Promise<void>;
}

/** A TCP proxy to `target`, to cut one client's connections to PostgreSQL and leave the others alone. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (connectionString) => {
      const url = new URL(connectionString);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    cut: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
