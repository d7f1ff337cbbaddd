import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { testInfra } from '@platform/testing';
import type { RelayTestKit } from './relay-int-kit';

/** A relay in a child process (`relay-process.ts`), which the test can kill like a crash. */
export class RelayProcessHandle {
  /** When (test clock) the process logged that it leads. */
  leadingAt: number | undefined;
  campaigning = false;
  readonly output: string[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  constructor(
    kit: RelayTestKit,
    readonly service: string,
    batchSize: number,
  ) {
    this.child = spawn(
      process.execPath,
      ['-r', path.join(__dirname, 'register-ts.cjs'), path.join(__dirname, 'relay-process.ts')],
      {
        env: {
          ...process.env,
          DATABASE_URL: testInfra.databaseUrl,
          KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
          KAFKA_TOPIC_PREFIX: kit.prefix,
          RELAY_SCHEMA: kit.schema,
          RELAY_NAME: kit.relayName,
          RELAY_SERVICE: service,
          RELAY_BATCH_SIZE: String(batchSize),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.onLine(line));
    createInterface({ input: this.child.stderr! }).on('line', (line) => this.output.push(line));
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGKILL: no graceful stop, no last batch, no checkpoint; the OS closes its connections. */
  async kill(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }

  private onLine(line: string): void {
    this.output.push(line);
    let message: unknown;
    try {
      message = (JSON.parse(line) as { msg?: unknown }).msg;
    } catch {
      return;
    }
    if (typeof message !== 'string') return;
    if (message.startsWith('leading')) this.leadingAt ??= Date.now();
    if (message.startsWith('campaigning')) this.campaigning = true;
  }
}
