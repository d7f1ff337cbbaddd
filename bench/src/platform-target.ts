import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Pool } from 'pg';
import { request, type Agent } from 'undici';
import type { RunningService } from '@platform/testing';
import type { BenchConfig } from './config';
import type { Row } from './harness';
import { now, sleep } from './stats';

// What the HTTP scenarios share: the raw fastify peer as a process, tenants made through the
// gateway, PostgreSQL's transaction counter and the CPU note of a row.

/** The peer process, as a service: compiled beside this file (dist/bench/src/peers). */
export function startPeer(config: BenchConfig, schema: string, port: number): RunningService {
  const child = spawn(process.execPath, [path.join(__dirname, 'peers', 'raw-fastify.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: config.databaseUrl,
      BENCH_SCHEMA: schema,
      // the same pool size as each platform service's default DATABASE_POOL_SIZE
      BENCH_POOL_SIZE: '10',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name: 'raw-fastify-peer',
    port,
    url: `http://127.0.0.1:${port}`,
    // the peer has no management surface (no /metrics): one port for everything
    managementPort: port,
    managementUrl: `http://127.0.0.1:${port}`,
    process: child,
    logFile: '',
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Processes by pid, named as their service: what `cpuSnapshot` groups by. */
export const byPid = (list: readonly RunningService[]): Map<number, string> =>
  new Map(list.map((service) => [service.process.pid ?? -1, service.name] as const));

/** Transactions committed in the whole PostgreSQL server so far (every database, every session). */
export async function committed(stats: Pool): Promise<number> {
  const { rows } = await stats.query<{ n: string }>(
    'select sum(xact_commit)::text as n from pg_stat_database',
  );
  return Number(rows[0]?.n ?? 0);
}

/** Creates an enterprise tenant through the gateway and waits until it is active; its id. */
export async function activeTenant(
  agent: Agent,
  gateway: string,
  admin: string,
  slug: string,
): Promise<string> {
  const created = await request(`${gateway}/v1/tenants`, {
    dispatcher: agent,
    method: 'POST',
    headers: { authorization: admin, 'content-type': 'application/json' },
    body: JSON.stringify({ slug, name: slug, plan: 'enterprise', isolation: 'shared' }),
  });
  const body = (await created.body.json()) as { id?: string };
  if (created.statusCode !== 202 || body.id === undefined) {
    throw new Error(`tenant ${slug} not created: ${created.statusCode} ${JSON.stringify(body)}`);
  }
  for (const deadline = now() + 30_000; now() < deadline; await sleep(100)) {
    const read = await request(`${gateway}/v1/tenants/${body.id}`, {
      dispatcher: agent,
      headers: { authorization: admin },
    });
    const tenant = (await read.body.json()) as { status?: string };
    if (tenant.status === 'active') return body.id;
  }
  throw new Error(`tenant ${slug} not active within 30 s`);
}

/** "ours 17.4 (postgres 4.1, ...); peer 0.4 (...)": the CPU breakdown of a row's extras. */
export function cpuNote(row: Row, prefix = 'cpuMsPerRequest '): string {
  const side = (extra: Record<string, number> | undefined): string => {
    const parts = Object.entries(extra ?? {})
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, ms]) => [key.slice(prefix.length), ms] as const)
      .sort((a, b) => b[1] - a[1]);
    const total = parts.reduce((sum, [, ms]) => sum + ms, 0);
    return `${total.toFixed(2)} (${parts.map(([name, ms]) => `${name} ${ms.toFixed(2)}`).join(', ')})`;
  };
  return row.peer === null
    ? side(row.extra?.ours)
    : `ours ${side(row.extra?.ours)}; peer ${side(row.extra?.peer)}`;
}
