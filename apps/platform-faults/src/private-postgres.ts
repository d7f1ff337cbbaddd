import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A PostgreSQL server of the fault suite's own (`deploy/local/infra.sh` with a private `LOCAL_DIR`
 * and port), so that restarting it touches nobody else's tests.
 */
export class PrivatePostgres {
  constructor(
    private readonly workspaceRoot: string,
    readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `postgres://platform:platform@127.0.0.1:${this.port}/platform`;
  }

  start(): Promise<void> {
    return this.infra('start', 'postgres');
  }

  /** A restart as an operator does it: a fast shutdown (connections cut), then a start. */
  async restart(): Promise<void> {
    await this.infra('stop', 'postgres');
    await this.infra('start', 'postgres');
  }

  async destroy(): Promise<void> {
    await this.infra('stop', 'postgres').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async infra(...args: string[]): Promise<void> {
    await run('bash', [path.join(this.workspaceRoot, 'deploy/local/infra.sh'), ...args], {
      timeout: 120_000,
      env: { ...process.env, LOCAL_DIR: this.dir, PGPORT: String(this.port) },
    });
  }
}
