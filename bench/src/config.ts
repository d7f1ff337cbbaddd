import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Everything a run depends on, from the environment (bench/run.sh sets the infrastructure part). */
export interface BenchConfig {
  /** Short lower-case id of this run, used in schema, database and topic names. */
  runId: string;
  startedAt: Date;
  repoRoot: string;
  /** PostgreSQL of the platform (`DATABASE_URL`): ours lives in schema `bench_es_<run>` there. */
  databaseUrl: string;
  /** Kafka bootstrap servers (`KAFKA_BROKERS`, comma-separated). */
  brokers: string[];
  /** Path of the pgbench binary (`BENCH_PGBENCH`); empty: the pgbench rows are not run. */
  pgbench: string;
  /** Measured repetitions per scenario and store (>= 3 for a meaningful median). */
  reps: number;
  /** Length of one timed append trial, in seconds. */
  trialSeconds: number;
  /** Length of the discarded warm-up trial, in seconds. */
  warmupSeconds: number;
  /** `-T` of each pgbench run. */
  pgbenchSeconds: number;
  /** Only run the scenarios whose id starts with one of these (`BENCH_ONLY=append,pgbench`); empty: all. */
  only: string[];
  /** Keep the run's schemas, database and topics afterwards (`BENCH_KEEP=1`). */
  keep: boolean;
  /** The exact command line to quote beside the figures. */
  command: string;
}

function intFromEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min)
    throw new Error(`${name} must be a number >= ${min}; got ${raw}`);
  return value;
}

export function loadConfig(): BenchConfig {
  const repoRoot = path.resolve(__dirname, '..', '..', '..');
  const databaseUrl = process.env['DATABASE_URL'];
  const brokers = process.env['KAFKA_BROKERS'];
  if (databaseUrl === undefined || brokers === undefined) {
    throw new Error('DATABASE_URL and KAFKA_BROKERS must be set: run the bench through bench/run.sh');
  }
  const startedAt = new Date();
  return {
    runId: process.env['BENCH_RUN_ID'] ?? `r${startedAt.getTime().toString(36)}`,
    startedAt,
    repoRoot,
    databaseUrl,
    brokers: brokers.split(',').map((broker) => broker.trim()),
    pgbench: process.env['BENCH_PGBENCH'] ?? '',
    reps: intFromEnv('BENCH_REPS', 3, 1),
    trialSeconds: intFromEnv('BENCH_TRIAL_SECONDS', 3, 0.5),
    warmupSeconds: intFromEnv('BENCH_WARMUP_SECONDS', 1, 0.2),
    pgbenchSeconds: intFromEnv('BENCH_PGBENCH_SECONDS', 10, 1),
    only: (process.env['BENCH_ONLY'] ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id !== ''),
    keep: process.env['BENCH_KEEP'] === '1',
    command: process.env['BENCH_COMMAND'] ?? 'npm run bench',
  };
}

/** Whether the scenario `id` is selected by `BENCH_ONLY`. */
export function selected(config: BenchConfig, id: string): boolean {
  return config.only.length === 0 || config.only.some((prefix) => id.startsWith(prefix));
}

/** `git rev-parse --short HEAD`, with `-dirty` when the work tree has changes; `nogit` outside git. */
export function gitRevision(repoRoot: string): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repoRoot })
      .toString()
      .trim();
    return dirty === '' ? sha : `${sha}-dirty`;
  } catch {
    return 'nogit';
  }
}

/** The same URL on another database of the same server. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
