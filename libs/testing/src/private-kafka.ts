import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { uniqueSuffix } from './infra';
import { eventually } from './probes';
import { workspaceRoot } from './service-process';

const run = promisify(execFile);

/** The shared infrastructure's directory (`deploy/local/infra.sh`), whose Kafka jars are reused. */
const sharedLocalDir = (): string => process.env.LOCAL_DIR ?? path.join(workspaceRoot, '.local');

/** A port nobody listens on now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** True if something accepts connections on `port` of 127.0.0.1. */
export const portOpen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/**
 * A Kafka broker of a test's own: `deploy/local/infra.sh` run with a private `LOCAL_DIR`
 * (`.local/private-kafka/<name>-<random>`) and free ports, reusing the shared stack's jars. For
 * tests that kill, restart or wipe a broker without touching the one everybody else uses.
 *
 * @example
 * const kafka = await PrivateKafka.create('outage');
 * await kafka.start();
 * // ... KAFKA_BROKERS=kafka.brokers.join(',')
 * await kafka.kill(); await kafka.start();
 * await kafka.destroy();
 */
export class PrivateKafka {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly controllerPort: number,
  ) {}

  static async create(name: string): Promise<PrivateKafka> {
    const dir = path.join(workspaceRoot, '.local', 'private-kafka', `${name}-${uniqueSuffix()}`);
    const port = await freePort();
    let controllerPort = await freePort();
    while (controllerPort === port) controllerPort = await freePort();
    return new PrivateKafka(dir, port, controllerPort);
  }

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  /** Starts the broker (formatting fresh storage the first time) and waits until it is ready. */
  async start(): Promise<void> {
    await this.infra('start', 'kafka');
  }

  /** SIGKILL, as a crash would: no controlled shutdown. Resolves once the port is closed. */
  async kill(): Promise<void> {
    const pid = Number(readFileSync(path.join(this.dir, 'run', 'kafka.pid'), 'utf8').trim());
    process.kill(pid, 'SIGKILL');
    await eventually(async () => expect(await portOpen(this.port)).toBe(false), {
      timeoutMs: 10_000,
      what: 'the private broker gone',
    });
  }

  /** Stops the broker (if running) and deletes its data, logs and configuration. */
  async destroy(): Promise<void> {
    await this.infra('stop', 'kafka').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async infra(...args: string[]): Promise<void> {
    const shared = sharedLocalDir();
    await run('bash', [path.join(workspaceRoot, 'deploy/local/infra.sh'), ...args], {
      timeout: 150_000,
      env: {
        ...process.env,
        LOCAL_DIR: this.dir,
        KAFKA_PORT: String(this.port),
        KAFKA_CONTROLLER_PORT: String(this.controllerPort),
        KAFKA_LIBS: path.join(shared, 'kafka', 'libs'),
        M2_REPO: path.join(shared, 'm2'),
        KAFKA_HEAP_OPTS: '-Xms128m -Xmx512m',
      },
    });
  }
}
