import type { Checkpoint } from '@platform/event-store';
import { eventually } from '@platform/testing';
import { appendOrders, orderViolations, RelayTestKit } from './testing/relay-int-kit';
import { RelayProcessHandle } from './testing/relay-process-handle';

const TENANT = '7c3d9e1f-0a2b-4c4d-8e6f-1a2b3c4d5e6f';
const BATCH = 50;

/**
 * The fault test: relays run as processes; the leader is killed (SIGKILL) in the middle
 * of relaying a backlog while appends go on, twice. Every event reaches Kafka; redeliveries stay
 * within one batch per kill; a key's events never run ahead of each other.
 */
describe('EventRelay take-over when the leading process dies', () => {
  const kit = new RelayTestKit();
  const processes: RelayProcessHandle[] = [];

  const spawnRelay = async (service: string): Promise<RelayProcessHandle> => {
    const relay = new RelayProcessHandle(kit, service, BATCH);
    processes.push(relay);
    await eventually(() => expect(relay.campaigning).toBe(true), {
      timeoutMs: 30_000,
      what: `${service} started: ${relay.output.slice(-5).join(' | ')}`,
    });
    return relay;
  };

  const logCheckpoints = async (): Promise<Checkpoint[]> => {
    const checkpoints: Checkpoint[] = [];
    for await (const event of kit.store.readAll()) checkpoints.push(event.checkpoint);
    return checkpoints;
  };

  /**
   * Waits until the leader has checkpointed 1,000 events past `from` (PostgreSQL checkpoints sort
   * as text in log order, ADR 0005), then kills it; returns how many events it still had to relay.
   */
  const killMidStream = async (
    leader: RelayProcessHandle,
    from: number,
  ): Promise<{ killedAt: number; behind: number }> => {
    const log = await logCheckpoints();
    const target = log[from + 1_000] ?? '';
    let stored: Checkpoint | undefined;
    await eventually(
      async () => {
        stored = await kit.checkpoints.load(kit.relayName);
        expect(stored !== undefined && stored >= target).toBe(true);
      },
      { timeoutMs: 30_000, intervalMs: 5, what: `${leader.service} relaying` },
    );
    const killedAt = Date.now();
    await leader.kill();
    return { killedAt, behind: log.length - 1 - log.indexOf(stored ?? '') };
  };

  beforeAll(async () => {
    await kit.setUp();
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill()));
    await kit.cleanUp();
  });

  it('publishes every event, none lost, when the leader is killed mid-stream and a follower takes over', async () => {
    const [topic] = await kit.ensureTopics(['orders.events']);
    await kit.read([topic ?? '']);
    let leader = await spawnRelay('relay-p1');
    await eventually(() => expect(leader.leadingAt).toBeDefined(), { timeoutMs: 10_000 });
    let follower = await spawnRelay('relay-p2');
    let appending = true;
    const live = appendOrders(kit.store, TENANT, {
      orders: 20,
      count: 1e9,
      concurrency: 2,
      until: () => !appending,
    });

    const takeOversMs: number[] = [];
    const behindAtKill: number[] = [];
    for (const round of [1, 2]) {
      // a burst faster than the relay: the leader is killed while it works through a backlog
      const from = (await logCheckpoints()).length;
      await appendOrders(kit.store, TENANT, { orders: 400, count: 8_000, concurrency: 8, perAppend: 50 });
      const { killedAt, behind } = await killMidStream(leader, from);
      behindAtKill.push(behind);
      await eventually(() => expect(follower.leadingAt).toBeDefined(), { timeoutMs: 15_000, intervalMs: 10 });
      takeOversMs.push((follower.leadingAt ?? 0) - killedAt);
      leader = follower;
      follower = await spawnRelay(`relay-p${round + 2}`);
    }
    appending = false;
    await live;

    const log = await kit.logOrder();
    await eventually(
      () => {
        const received = kit.receivedIds();
        expect(log.filter((id) => !received.has(id))).toEqual([]);
      },
      { timeoutMs: 60_000, what: 'every appended event on Kafka' },
    );
    expect(kit.duplicates()).toBeLessThanOrEqual(2 * BATCH);
    expect(orderViolations(kit.received)).toEqual([]);
    const sources = new Set(kit.received.map((m) => m.headers.ce_source));
    expect(sources).toEqual(new Set(['/relay-p1', '/relay-p2', '/relay-p3']));
    process.stdout.write(
      `relay take-over after SIGKILL: ${takeOversMs.join(' ms, ')} ms (killed with ${behindAtKill.join(' and ')} ` +
        `events still to relay); ${log.length} events, ${kit.duplicates()} duplicates\n`,
    );
  }, 180_000);
});
