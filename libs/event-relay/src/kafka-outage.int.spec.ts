import { execFile, spawn } from 'node:child_process';
import { connect } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { Checkpoint } from '@platform/event-store';
import { eventually, testInfra } from '@platform/testing';
import { appendOrders, orderViolations, RelayTestKit } from './testing/relay-int-kit';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../../..');
const INFRA = path.join(ROOT, 'deploy/local/infra.sh');
// deploy/local/infra.sh serialises start/stop/reset with this lock (lib.sh `with_lock`)
const INFRA_LOCK = path.join(process.env.LOCAL_DIR ?? path.join(ROOT, '.local'), 'run/infra.lock');
const KAFKA = new URL(`kafka://${testInfra.kafkaBrokers[0] ?? '127.0.0.1:9092'}`);
const TENANT = '2e4f6a8c-0b1d-4f3e-9a5c-7e9f1b3d5a7c';
const OUTAGE_MS = 30_000;

const infra = async (...args: string[]): Promise<string> => {
  const { stdout, stderr } = await run('bash', [INFRA, ...args], { timeout: 150_000 });
  return `${stdout}${stderr}`;
};

/**
 * Holds the infra lock until `release()`: while the outage lasts, an `infra.sh start` from another
 * suite waits for it instead of bringing the broker back early.
 */
async function holdInfraLock(): Promise<{ release: () => Promise<void> }> {
  const holder = spawn('flock', ['-w', '600', INFRA_LOCK, 'bash', '-c', 'echo locked; read -r _'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => holder.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: holder.stdout }).once('line', () => resolve());
    holder.once('exit', (code) => reject(new Error(`flock ${INFRA_LOCK} exited with ${code}`)));
  });
  return {
    release: async () => {
      holder.stdin.end();
      await exited;
    },
  };
}

/** True if something accepts connections on the broker's port. */
const brokerListening = (): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(Number(KAFKA.port), KAFKA.hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Stops the broker and keeps it down (holding the infra lock) until `release()`. */
async function brokerOutage(): Promise<{ release: () => Promise<void> }> {
  for (let attempt = 1; ; attempt++) {
    await infra('stop', 'kafka');
    const lock = await holdInfraLock();
    if (!(await brokerListening())) return lock;
    // another process started it between our stop and our lock: stop it again
    await lock.release();
    if (attempt === 3) throw new Error('the broker keeps being restarted by another process');
  }
}

/** Starts the local broker unless it is up: later suites (and colleagues) must find Kafka running. */
async function ensureKafkaUp(): Promise<void> {
  const status = await infra('status').catch((error: { stdout?: string }) => error.stdout ?? '');
  if (!/kafka\s+running/.test(status)) await infra('start', 'kafka');
}

/**
 * The outage test: the local broker is stopped for 30 s (deploy/local/infra.sh stop kafka,
 * then the infra lock is held so no other suite's `infra.sh start` ends the outage early) while
 * appends go on. Appends succeed; the relay's checkpoint does not move (nothing is acknowledged);
 * when the broker is back the relay catches up and every event is on Kafka. The broker is restarted
 * whatever happens.
 */
describe('EventRelay while Kafka is down', () => {
  const kit = new RelayTestKit();

  const lastCheckpoint = async (): Promise<Checkpoint | undefined> => {
    let last: Checkpoint | undefined;
    for await (const event of kit.store.readAll()) last = event.checkpoint;
    return last;
  };

  beforeAll(async () => {
    await ensureKafkaUp();
    await kit.setUp();
  });

  afterAll(async () => {
    await ensureKafkaUp();
    await kit.cleanUp();
  });

  it('lets appends succeed during a 30 s broker outage and catches up when the broker returns', async () => {
    const [topic] = await kit.ensureTopics(['orders.events']);
    const relay = await kit.relay('relay-a');
    relay.start();
    await appendOrders(kit.store, TENANT, { orders: 20, count: 200 });
    const before = await lastCheckpoint();
    await eventually(async () => expect(await kit.checkpoints.load(kit.relayName)).toBe(before), {
      timeoutMs: 30_000,
      what: 'relayed before the outage',
    });

    let appendedDuringOutage: string[] = [];
    let restartedAt: number;
    const outage = await brokerOutage();
    try {
      const stoppedAt = Date.now();
      appendedDuringOutage = await appendOrders(kit.store, TENANT, {
        orders: 50,
        count: 1e9,
        concurrency: 2,
        paceMs: 10,
        until: () => Date.now() - stoppedAt >= OUTAGE_MS,
      });
      // nothing was acknowledged, so the checkpoint stayed where it was
      expect(await kit.checkpoints.load(kit.relayName)).toBe(before);
      expect(relay.state).toBe('leading');
      expect(await brokerListening()).toBe(false);
    } finally {
      await outage.release();
      await infra('start', 'kafka');
      restartedAt = Date.now();
    }

    const last = await lastCheckpoint();
    await eventually(async () => expect(await kit.checkpoints.load(kit.relayName)).toBe(last), {
      timeoutMs: 120_000,
      intervalMs: 100,
      what: 'the relay caught up',
    });
    const catchUpMs = Date.now() - restartedAt;

    await kit.read([topic ?? '']);
    const log = await kit.logOrder();
    await eventually(
      () => {
        const received = kit.receivedIds();
        expect(log.filter((id) => !received.has(id))).toEqual([]);
      },
      { timeoutMs: 60_000, what: 'every event on Kafka' },
    );
    expect(appendedDuringOutage.length).toBeGreaterThan(1_000);
    expect(orderViolations(kit.received)).toEqual([]);
    process.stdout.write(
      `relay catch-up after a ${OUTAGE_MS / 1_000} s Kafka outage: checkpoint at the head ${catchUpMs} ms ` +
        `after the broker was back; ${appendedDuringOutage.length} events appended during the outage, ` +
        `${log.length} in all, ${kit.duplicates()} duplicates\n`,
    );
  }, 300_000);
});
