import pino from 'pino';
import type { Checkpoint } from '@platform/event-store';
import { metricsRegistry } from '@platform/observability';
import { eventually } from '@platform/testing';
import { EventRelay, type EventRelayOptions } from './event-relay';
import { FakeLeadership, FakePublisher, InMemoryCheckpoints, InMemoryEventLog } from './testing/fakes';

const logger = pino({ level: 'silent' });

describe('EventRelay', () => {
  let log: InMemoryEventLog;
  let publisher: FakePublisher;
  let checkpoints: InMemoryCheckpoints;
  let leadership: FakeLeadership;
  let relay: EventRelay;

  const startRelay = (options: Partial<EventRelayOptions> = {}): EventRelay => {
    makeRelay(options).start();
    return relay;
  };

  const makeRelay = (options: Partial<EventRelayOptions> = {}): EventRelay => {
    relay = new EventRelay({
      name: 'unit',
      store: log.asStore(),
      publisher,
      checkpoints,
      leadership,
      logger,
      batching: { maxSize: 8, maxDelayMs: 1 },
      retry: { initialMs: 1, maxMs: 5 },
      ...options,
    });
    return relay;
  };

  beforeEach(() => {
    log = new InMemoryEventLog();
    publisher = new FakePublisher();
    checkpoints = new InMemoryCheckpoints();
    leadership = new FakeLeadership();
  });

  afterEach(async () => {
    await relay.stop();
  });

  it('publishes every event once, in log order, and checkpoints only what Kafka acknowledged', async () => {
    const acknowledgedAtSave: number[] = [];
    const save = checkpoints.save.bind(checkpoints);
    checkpoints.save = async (name: string, checkpoint: Checkpoint) => {
      acknowledgedAtSave.push(publisher.published.length);
      await save(name, checkpoint);
    };
    const orders = ['a', 'b', 'c'];
    for (let i = 0; i < 30; i++) log.append(1, { orderId: orders[i % 3] ?? 'a' });
    startRelay();
    leadership.grant();

    await eventually(() => expect(checkpoints.checkpoint).toBe(log.events.at(-1)?.checkpoint));
    expect(publisher.ids()).toEqual(log.events.map((e) => e.eventId));
    expect(publisher.calls.every((call) => call.length <= 8)).toBe(true);
    // every stored checkpoint covers only acknowledged events
    checkpoints.saved.forEach((checkpoint, i) => {
      const upTo = log.events.findIndex((e) => e.checkpoint === checkpoint) + 1;
      expect(acknowledgedAtSave[i]).toBeGreaterThanOrEqual(upTo);
    });
    expect(publisher.published.map((m) => m.attributes.sequence)).toEqual(
      log.events.map((e) => e.streamVersion),
    );
    expect(publisher.ensured).toEqual(['test.orders.events']);
  });

  it('publishes nothing while another instance leads', async () => {
    log.append(3);
    startRelay();
    await eventually(() => expect(leadership.campaigning).toBe(true));
    expect(relay.state).toBe('following');
    expect(publisher.calls).toEqual([]);

    leadership.grant();
    await eventually(() => expect(publisher.published).toHaveLength(3));
    expect(relay.state).toBe('leading');
  });

  it('resumes right after the stored checkpoint', async () => {
    const events = log.append(10);
    checkpoints = new InMemoryCheckpoints(events[5]?.checkpoint);
    startRelay();
    leadership.grant();
    await eventually(() => expect(checkpoints.checkpoint).toBe(events[9]?.checkpoint));
    expect(publisher.ids()).toEqual(events.slice(6).map((e) => e.eventId));
  });

  it('retries a failed publish and leaves the checkpoint where it was until Kafka acknowledges', async () => {
    const events = log.append(5);
    publisher.failNext = 4;
    startRelay({ batching: { maxSize: 100, maxDelayMs: 1 } });
    leadership.grant();

    await eventually(() => expect(checkpoints.checkpoint).toBe(events[4]?.checkpoint));
    expect(publisher.calls.length).toBeGreaterThanOrEqual(5);
    expect(checkpoints.saved).toEqual([events[4]?.checkpoint]);
    expect(publisher.ids()).toEqual(events.map((e) => e.eventId));
  });

  it('reports the lag of a batch waiting for Kafka, growing until Kafka acknowledges it', async () => {
    const lag = async (): Promise<number | undefined> =>
      (await metricsRegistry.getSingleMetric('event_relay_lag_seconds')?.get())?.values.find(
        (v) => v.labels.relay === 'unit',
      )?.value;
    publisher.failNext = 1_000;
    log.append(1, { occurredAt: new Date(Date.now() - 60_000).toISOString() });
    startRelay({ retry: { initialMs: 20, maxMs: 20 } });
    leadership.grant();
    await eventually(() => expect(publisher.calls.length).toBeGreaterThan(0));
    expect(await lag()).toBeGreaterThanOrEqual(60);

    publisher.failNext = 0;
    const [fresh] = log.append(1);
    await eventually(() => expect(checkpoints.checkpoint).toBe(fresh?.checkpoint));
    expect(await lag()).toBeLessThan(5);
  });

  it('stops publishing and stores no checkpoint once deposed, and campaigns again', async () => {
    let release: () => void = () => undefined;
    publisher.gate = new Promise((resolve) => (release = resolve));
    log.append(3);
    startRelay();
    const lease = leadership.grant();
    await eventually(() => expect(publisher.calls).toHaveLength(1));

    lease.depose(); // e.g. the lock's connection died while Kafka was answering
    release();
    log.append(3);
    await eventually(() => expect(leadership.campaigning).toBe(true));
    expect(checkpoints.saved).toEqual([]);
    expect(publisher.calls).toHaveLength(1);
    expect(relay.state).toBe('following');

    // the next leader starts from the stored checkpoint: nothing is lost
    leadership.grant();
    await eventually(() => expect(checkpoints.checkpoint).toBe(log.events.at(-1)?.checkpoint));
    expect(new Set(publisher.ids())).toEqual(new Set(log.events.map((e) => e.eventId)));
  });

  it("with startFrom 'end', relays only what is appended after its first initialization", async () => {
    log.append(5);
    await makeRelay({ startFrom: 'end' }).initialize();
    const [appended] = log.append(1);
    relay.start();
    leadership.grant();
    await eventually(() => expect(checkpoints.checkpoint).toBe(appended?.checkpoint));
    expect(publisher.ids()).toEqual([appended?.eventId]);

    // once it has a checkpoint, the start policy no longer applies
    log.append(3);
    await relay.initialize();
    await eventually(() => expect(publisher.published).toHaveLength(4));
  });

  it("with startFrom 'beginning' (the default), publishes what the store held before its first start", async () => {
    log.append(5);
    await makeRelay().initialize();
    relay.start();
    leadership.grant();
    await eventually(() => expect(publisher.published).toHaveLength(5));
  });

  it('skips an event without a route, counts it, and moves past it', async () => {
    log.append(1, { type: 'SomethingUnregistered' });
    const [created] = log.append(1);
    startRelay();
    leadership.grant();
    await eventually(() => expect(checkpoints.checkpoint).toBe(created?.checkpoint));
    expect(publisher.ids()).toEqual([created?.eventId]);
  });

  it('does not re-publish history restored by a tenant import (ADR 0034), and moves past it', async () => {
    const [imported] = log.append(1);
    if (imported) Object.assign(imported.metadata, { importedFrom: `source-tenant/${imported.eventId}` });
    const [created] = log.append(1);
    startRelay();
    leadership.grant();
    await eventually(() => expect(checkpoints.checkpoint).toBe(created?.checkpoint));
    expect(publisher.ids()).toEqual([created?.eventId]);
  });

  it('on stop, publishes what it holds, stores the checkpoint and releases leadership', async () => {
    startRelay({ batching: { maxSize: 100, maxDelayMs: 60_000 } });
    const lease = leadership.grant();
    log.append(3);
    await eventually(() => expect(log.delivered).toBe(3));
    expect(publisher.calls).toEqual([]);

    await relay.stop();
    expect(publisher.published).toHaveLength(3);
    expect(checkpoints.checkpoint).toBe(log.events.at(-1)?.checkpoint);
    expect(lease.released).toBe(true);
    expect(relay.state).toBe('stopped');
  });

  it('on stop with Kafka down, gives up after one attempt and leaves the batch to the next leader', async () => {
    publisher.failNext = 1_000;
    startRelay({ batching: { maxSize: 100, maxDelayMs: 60_000 }, stopTimeoutMs: 200 });
    leadership.grant();
    log.append(2);
    await eventually(() => expect(log.delivered).toBe(2));

    await relay.stop();
    expect(publisher.calls).toHaveLength(1);
    expect(checkpoints.saved).toEqual([]);
  });
});
