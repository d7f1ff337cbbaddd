import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Pool } from 'pg';
import type { BenchConfig } from './config';
import { progress } from './harness';

const run = promisify(execFile);

export interface PgbenchResult {
  clients: number;
  tps: number;
  /** Mean latency pgbench reports, in ms. */
  latencyMs: number;
  command: string;
}

/**
 * PostgreSQL's own ceiling on this machine: pgbench with a single-row INSERT per transaction into a
 * narrow table (bench/pgbench/insert.sql), `-n -c <clients> -j 2 -T <s>`, same server, same settings
 * (fsync and synchronous_commit at their defaults) as the stores.
 */
export async function pgbenchCeilings(
  config: BenchConfig,
  admin: Pool,
  clientCounts: readonly number[],
): Promise<PgbenchResult[]> {
  const schema = `bench_pg_${config.runId}`;
  await admin.query(`drop schema if exists "${schema}" cascade`);
  await admin.query(`create schema "${schema}"`);
  await admin.query(`create table "${schema}".pgbench_insert (id bigserial primary key, n int not null)`);
  const url = new URL(config.databaseUrl);
  const script = path.join(config.repoRoot, 'bench', 'pgbench', 'insert.sql');
  const results: PgbenchResult[] = [];
  try {
    for (const clients of clientCounts) {
      await admin.query('checkpoint');
      const threads = Math.min(2, clients);
      const args = [
        '-n',
        '-c',
        String(clients),
        '-j',
        String(threads),
        '-T',
        String(config.pgbenchSeconds),
        '-f',
        script,
        '-h',
        url.hostname,
        '-p',
        url.port || '5432',
        '-U',
        decodeURIComponent(url.username),
        url.pathname.slice(1),
      ];
      // what to quote: the options, not the connection (args[7] is -f, args[8] the script's path)
      const command = `pgbench ${args.slice(0, 7).join(' ')} -f bench/pgbench/insert.sql`;
      progress(`pgbench: ${command}`);
      const { stdout } = await run(config.pgbench, args, {
        env: {
          ...process.env,
          PGPASSWORD: decodeURIComponent(url.password),
          PGOPTIONS: `-c search_path=${schema}`,
        },
      });
      const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1];
      const latency = /latency average = ([\d.]+) ms/.exec(stdout)?.[1];
      if (tps === undefined) throw new Error(`pgbench printed no tps:\n${stdout}`);
      results.push({ clients, tps: Number(tps), latencyMs: Number(latency ?? Number.NaN), command });
    }
  } finally {
    if (!config.keep) await admin.query(`drop schema if exists "${schema}" cascade`);
  }
  return results;
}
