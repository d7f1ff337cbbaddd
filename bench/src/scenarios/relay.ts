import { existsSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { EventStore, GlobalEvent, NewEvent } from '@platform/event-store';
import { KafkaMessaging } from '@platform/messaging';
import { createLogger } from '@platform/observability';
import type { BenchConfig } from '../config';
import { EVENT_TYPE, ourEvents } from '../events';
import { progress, type Trial } from '../harness';
import { ArrivalTap, type KafkaKit, paced } from '../kafka-tap';
import { now } from '../stats';
import { openOurs } from '../stores';
import type { StoreTargets } from './appends';

// =================================================================================================
// RELAY SCENARIO: libs/event-relay (the outbox relay: the store's global log -> Kafka).
//
// Runs only when libs/event-relay/src/index.ts exists and its build loads; otherwise the run prints
// "relay scenario: not run (libs/event-relay missing)" (or why it did not load) and the relay rows
// say "not run", with raw kafkajs still measured. The lib is loaded at run time from its build
// (dist/libs/event-relay/src/index.js), not imported, so bench/ compiles and runs without it. What
// is used of it is the structural `RelayLib` below: if the lib's API moves, the run says which
// export is missing and this function is the one place to adapt.
// =================================================================================================

/** What the bench uses of libs/event-relay (its index exports). */
interface RelayLib {
  EventRelay: new (options: {
    name: string;
    store: EventStore;
    publisher: unknown;
    checkpoints: unknown;
    leadership: unknown;
    logger: unknown;
    route?: (event: GlobalEvent) => { topic: string; ceType: string } | undefined;
  }) => { start(): void; stop(): Promise<void> };
  KafkaRelayPublisher: new (messaging: KafkaMessaging, partitionsOf?: (topic: string) => number) => unknown;
  PostgresCheckpointStore: {
    create(config: { connectionString: string; schema?: string }): {
      migrate(): Promise<void>;
      close(): Promise<void>;
    };
  };
  PostgresRelayLeadership: new (config: { connectionString: string; retryIntervalMs?: number }) => unknown;
}

const REQUIRED: readonly (keyof RelayLib)[] = [
  'EventRelay',
  'KafkaRelayPublisher',
  'PostgresCheckpointStore',
  'PostgresRelayLeadership',
];

export interface KafkaContender {
  /** Events/s: `n` events, from the first send (or the relay's start) to the last one consumed. */
  throughput(n: number): Promise<Trial>;
  /** p50 in `value`, p99 in `extra.p99`, in ms, at a steady pace for `seconds`. */
  latency(seconds: number): Promise<Trial>;
  close(): Promise<void>;
}

export type RelaySetup =
  | { available: true; contender: KafkaContender; topics: string[]; note: string }
  | { available: false; reason: string; topics: string[] };

const RELAY_SOURCE = path.join('libs', 'event-relay', 'src', 'index.ts');
const RELAY_BUILT = path.join('dist', 'libs', 'event-relay', 'src', 'index.js');
const LATENCY_RATE = 200;
const STREAMS = 100;

/** Loads the built libs/event-relay if its source exists; the reason when it cannot be used. */
function loadRelayLib(repoRoot: string): { lib: RelayLib } | { reason: string } {
  if (!existsSync(path.join(repoRoot, RELAY_SOURCE))) return { reason: 'not run (libs/event-relay missing)' };
  const built = path.join(repoRoot, RELAY_BUILT);
  if (!existsSync(built))
    return { reason: `not run (libs/event-relay did not build: ${RELAY_BUILT} missing)` };
  let lib: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lib that may not exist yet
    lib = require(built) as Record<string, unknown>;
  } catch (error) {
    return { reason: `not run (libs/event-relay does not load: ${(error as Error).message.split('\n')[0]})` };
  }
  const missing = REQUIRED.filter((name) => typeof lib[name] !== 'function');
  if (missing.length > 0) {
    return { reason: `not run (libs/event-relay API changed: no export ${missing.join(', ')})` };
  }
  return { lib: lib as unknown as RelayLib };
}

/**
 * Wires the relay as a service would (EventRelay + KafkaRelayPublisher on KafkaMessaging +
 * PostgreSQL checkpoints and leadership) on a fresh store schema, routing every event to this run's
 * topic, and returns it as a Kafka contender once a probe event has gone through.
 */
export async function setUpRelay(
  config: BenchConfig,
  targets: StoreTargets,
  kit: KafkaKit,
): Promise<RelaySetup> {
  const loaded = loadRelayLib(config.repoRoot);
  if ('reason' in loaded) return { available: false, reason: loaded.reason, topics: [] };
  const { lib } = loaded;
  const topic = `bench.${config.runId}.relay`;
  const relaySchema = `bench_relay_${config.runId}`;
  const name = `bench-relay-${config.runId}`;
  const connectionString = targets.ours.databaseUrl;
  const logger = createLogger('bench-relay', process.env['BENCH_LOG_LEVEL'] ?? 'silent');
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanUp = async (): Promise<void> => {
    for (const step of cleanups.splice(0).reverse()) await step().catch(() => undefined);
  };

  try {
    await kit.createTopic(topic, 6);
    const ours = await openOurs({ ...targets.ours, poolSize: 8 });
    cleanups.push(() => ours.close());
    const { store, tenantId } = ours;
    const messaging = await KafkaMessaging.connect(
      { brokers: config.brokers, clientId: name, topicPrefix: '', service: 'bench-relay' },
      logger,
    );
    cleanups.push(() => messaging.close());
    const checkpoints = lib.PostgresCheckpointStore.create({ connectionString, schema: relaySchema });
    cleanups.push(() => targets.ours.admin.query(`drop schema if exists "${relaySchema}" cascade`));
    cleanups.push(() => checkpoints.close());
    await checkpoints.migrate();
    const relay = new lib.EventRelay({
      name,
      store,
      publisher: new lib.KafkaRelayPublisher(messaging),
      checkpoints,
      leadership: new lib.PostgresRelayLeadership({ connectionString, retryIntervalMs: 100 }),
      logger,
      route: () => ({ topic, ceType: `orders.${EVENT_TYPE}` }),
    });
    const tap = await ArrivalTap.start(kit, [topic], true);
    cleanups.push(() => tap.stop());
    relay.start();
    cleanups.push(() => relay.stop());

    // live once a probe event appended now reaches the consumer
    const [probe] = ourEvents(tenantId, 'probe', 0, 1) as [NewEvent];
    tap.track(probe.eventId, now());
    await store.appendToStream(tenantId, `order-${randomUUID()}`, [probe], { expectedVersion: 'no-stream' });
    await tap.waitAll(30_000);

    const streams = Array.from({ length: STREAMS }, () => `order-${randomUUID()}`);
    const contender: KafkaContender = {
      // Catch-up: stop the relay, append n events, start it again (it resumes after its stored
      // checkpoint) and time it until the last of them is consumed.
      async throughput(n) {
        await relay.stop();
        tap.reset();
        for (let first = 0; first < n; first += 100) {
          const events = ourEvents(tenantId, 'relay', first, Math.min(100, n - first));
          for (const event of events) tap.track(event.eventId, 0);
          await store.appendToStream(tenantId, `order-${randomUUID()}`, events, {
            expectedVersion: 'no-stream',
          });
        }
        const start = now();
        relay.start();
        await tap.waitAll(120_000);
        return { value: n / ((tap.lastArrivalAt - start) / 1000) };
      },
      // appendToStream call -> consumed, one event per append at a steady pace, 100 streams
      async latency(seconds) {
        tap.reset();
        await paced(LATENCY_RATE, seconds, async (i) => {
          const stream = streams[i % STREAMS]!;
          const [event] = ourEvents(tenantId, stream, i, 1) as [NewEvent];
          tap.track(event.eventId, now());
          await store.appendToStream(tenantId, stream, [event], { expectedVersion: 'any' });
        });
        await tap.waitAll(30_000);
        return { value: tap.latency(50), extra: { p99: tap.latency(99) } };
      },
      close: cleanUp,
    };
    progress('relay scenario: libs/event-relay is relaying');
    return {
      available: true,
      contender,
      topics: [topic],
      note:
        'relay: EventRelay (libs/event-relay) with KafkaRelayPublisher, PostgreSQL checkpoints and leadership, ' +
        "the store's default pollIntervalMs (100 ms); latency = appendToStream call -> consumed; " +
        'throughput = catch-up of 10,000 appended events after a relay restart -> last consumed',
    };
  } catch (error) {
    await cleanUp();
    return {
      available: false,
      reason: `not run (libs/event-relay failed: ${(error as Error).message.split('\n')[0]})`,
      topics: [topic],
    };
  }
}
