import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { eventually } from './probes';

export interface RunningService {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  /** Its management port (`MANAGEMENT_PORT`: `port` + 100 here): `/metrics` and the health probes. */
  readonly managementPort: number;
  readonly managementUrl: string;
  readonly process: ChildProcess;
  readonly logFile: string;
  /** SIGTERM, then waits for the exit code (graceful shutdown). */
  stop(): Promise<number | null>;
}

/** The repository root (where nx.json is), from the sources (Jest) or from their build in dist/. */
function findWorkspaceRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'nx.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no nx.json above ${from}`);
  }
}

/** The repository root: where `.local/`, `dist/` and `deploy/` are. */
export const workspaceRoot = findWorkspaceRoot(__dirname);

/**
 * Extra Node.js flags for every service started here, from `SERVICE_NODE_ARGS` (space-separated),
 * e.g. `--cpu-prof --cpu-prof-dir=/tmp/profiles` to profile a benchmark's services (Node refuses
 * `--cpu-prof` in NODE_OPTIONS).
 */
const extraNodeArgs = (): string[] => (process.env['SERVICE_NODE_ARGS'] ?? '').split(' ').filter(Boolean);

/** The management port given to a service started on `port` (the services' default too). */
export const managementPortFor = (port: number): number => port + 100;

/**
 * Starts a compiled service (`dist/apps/<service>/src/main.js`, see `npm run build`) as a child
 * process with its own environment; its output goes to `.local/logs/e2e/<name>.log`. It listens on
 * `port` and, for `/metrics`, on `port` + 100 (set explicitly, so a `MANAGEMENT_PORT` in the
 * caller's environment cannot make every service collide).
 */
export function startService(
  service: string,
  name: string,
  port: number,
  env: Record<string, string>,
): RunningService {
  const logDir = path.join(workspaceRoot, '.local', 'logs', 'e2e');
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  const managementPort = managementPortFor(port);
  const log = createWriteStream(logFile);
  const child = spawn(
    process.execPath,
    [
      ...extraNodeArgs(),
      '--enable-source-maps',
      path.join(workspaceRoot, 'dist/apps', service, 'src/main.js'),
    ],
    {
      env: {
        ...process.env,
        ...env,
        PORT: String(port),
        MANAGEMENT_PORT: String(managementPort),
        INSTANCE_ID: name,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    managementPort,
    managementUrl: `http://127.0.0.1:${managementPort}`,
    process: child,
    logFile,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Waits until `/health/ready` answers 200, failing early if the process died. */
export async function waitReady(service: RunningService, timeoutMs = 60_000): Promise<void> {
  await eventually(
    async () => {
      if (service.process.exitCode !== null) {
        throw new Error(`${service.name} exited with ${service.process.exitCode}; see ${service.logFile}`);
      }
      const response = await fetch(`${service.url}/health/ready`);
      if (response.status !== 200) throw new Error(`${service.name} not ready: ${await response.text()}`);
    },
    { timeoutMs, intervalMs: 200, what: `${service.name} ready` },
  );
}
