import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BenchConfig } from './config';
import type { Row } from './harness';
import type { PgbenchResult } from './pgbench';

export interface RunInfo {
  config: BenchConfig;
  /** os.loadavg() (1, 5, 15 min) when the run started and when it ended: how busy the box was. */
  load: { start: number[]; end: number[] };
  revision: string;
  postgres: string;
  finishedAt: Date;
  pgbench: PgbenchResult[];
  rows: Row[];
  failures: string[];
}

function machine(): { cpu: string; cores: number; memoryGiB: number; node: string; os: string } {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
  };
}

const formatLoad = (load: number[]): string => load.map((l) => l.toFixed(2)).join(' / ');

function formatValue(value: number | null, unit: string): string {
  if (value === null || Number.isNaN(value)) return 'not run';
  if (unit.startsWith('%')) return `${value.toFixed(1)} %`;
  if (unit.startsWith('ms')) return value < 10 ? value.toFixed(2) : value.toFixed(1);
  return Math.round(value).toLocaleString('en-US');
}

/**
 * "1.42x, ours better (3/3 pairs)": the ratio of the medians, and how many alternating pairs of
 * repetitions agree; "mixed" when they do not all agree, or when the medians are within 3 %.
 */
function formatRatio(row: Row): string {
  if (row.ratio === null || Number.isNaN(row.ratio)) return '-';
  const text = `${row.ratio.toFixed(2)}x`;
  const pairs = row.pairs;
  if (pairs === undefined) return text;
  const count = `${pairs.oursBetter}/${pairs.total} pairs`;
  const oursBetter = row.better === 'higher' ? row.ratio > 1 : row.ratio < 1;
  const agreeing = oursBetter ? pairs.oursBetter : pairs.total - pairs.oursBetter;
  if (Math.abs(row.ratio - 1) < 0.03 || agreeing < pairs.total)
    return `${text}, mixed (ours better in ${count})`;
  return `${text}, ours ${oursBetter ? 'better' : 'worse'} (${agreeing}/${pairs.total} pairs)`;
}

function formatCeiling(row: Row): string {
  if (row.ceiling === undefined) return '-';
  const share = row.ours === null ? '' : `, ours = ${Math.round((100 * row.ours) / row.ceiling.value)} %`;
  return `${Math.round(row.ceiling.value).toLocaleString('en-US')} tps (${row.ceiling.label}${share})`;
}

export function markdownTable(rows: readonly Row[]): string {
  const lines = [
    '| Scenario | Ours (median) | Peer (median) | Ours/peer | PostgreSQL ceiling | Unit | Peer |',
    '| --- | ---: | ---: | --- | --- | --- | --- |',
  ];
  for (const row of rows) {
    const unit = `${row.unit} (${row.better} is better)`;
    lines.push(
      `| ${row.scenario} | ${formatValue(row.ours, row.unit)} | ${formatValue(row.peer, row.unit)} | ` +
        `${formatRatio(row)} | ${formatCeiling(row)} | ${unit} | ${row.peerLabel} |`,
    );
  }
  return lines.join('\n');
}

export function markdownReport(info: RunInfo): string {
  const { config } = info;
  const m = machine();
  const seconds = Math.round((info.finishedAt.getTime() - config.startedAt.getTime()) / 1000);
  const notes = [...new Set(info.rows.map((row) => row.note).filter((n): n is string => n !== undefined))];
  const out = [
    `# Event store benchmark, ${config.startedAt.toISOString()} (${info.revision})`,
    '',
    `Command: \`${config.command}\` (bench/run.sh), ${seconds} s wall time, run id \`${config.runId}\`.`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; ${m.os}; Node ${m.node}; ${info.postgres}; ` +
      'Kafka from deploy/local. Client, PostgreSQL and Kafka share the same cores. ' +
      `Load average (1/5/15 min) at start ${formatLoad(info.load.start)}, at end ${formatLoad(info.load.end)}.`,
    '',
    `Method: per scenario both stores on fresh schemas, a warm-up each, then ${config.reps} repetition(s) ` +
      `alternating ours/peer (append trials ${config.trialSeconds} s); medians; ratio = ours / peer. ` +
      'Peer: `@event-driven-io/emmett-postgresql` 0.42.0 in its own database on the same server, same pool size.',
    '',
    markdownTable(info.rows),
  ];
  if (info.pgbench.length > 0) {
    out.push(
      '',
      '## PostgreSQL ceiling (pgbench, single-row INSERT, autocommit)',
      '',
      '| Clients | tps | mean latency (ms) | Command |',
      '| ---: | ---: | ---: | --- |',
      ...info.pgbench.map(
        (p) =>
          `| ${p.clients} | ${Math.round(p.tps).toLocaleString('en-US')} | ${p.latencyMs.toFixed(2)} | \`${p.command}\` |`,
      ),
    );
  }
  if (notes.length > 0 || info.failures.length > 0) {
    out.push(
      '',
      '## Notes',
      '',
      ...notes.map((n) => `- ${n}`),
      ...info.failures.map((f) => `- FAILED: ${f}`),
    );
  }
  return `${out.join('\n')}\n`;
}

export function jsonReport(info: RunInfo): Record<string, unknown> {
  const { config } = info;
  return {
    runId: config.runId,
    startedAt: config.startedAt.toISOString(),
    finishedAt: info.finishedAt.toISOString(),
    revision: info.revision,
    command: config.command,
    machine: machine(),
    postgres: info.postgres,
    loadAverage: info.load,
    settings: {
      reps: config.reps,
      trialSeconds: config.trialSeconds,
      warmupSeconds: config.warmupSeconds,
      pgbenchSeconds: config.pgbenchSeconds,
      only: config.only,
    },
    pgbench: info.pgbench,
    rows: info.rows.map((row) => ({
      ...row,
      ratio: row.ratio === null ? null : Number(row.ratio.toFixed(4)),
    })),
    failures: info.failures,
  };
}

/** Writes bench/results/<ISO timestamp>-<sha>.md and bench/results/latest.json; the .md path. */
export async function writeResults(info: RunInfo): Promise<string> {
  const dir = path.join(info.config.repoRoot, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  // ISO 8601 in basic format (no colons, safe in file names), UTC
  const stamp = info.config.startedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const file = path.join(dir, `${stamp}-${info.revision}.md`);
  await writeFile(file, markdownReport(info));
  await writeFile(path.join(dir, 'latest.json'), compactJson(jsonReport(info)));
  return file;
}

/** One line per top-level field and per row: small, and a diff shows which rows moved. */
function compactJson(report: Record<string, unknown>): string {
  const fields = Object.entries(report).map(([key, value]) => {
    if (key === 'rows' && Array.isArray(value)) {
      const rows = value.map((row) => `    ${JSON.stringify(row, roundNumbers)}`).join(',\n');
      return `  "rows": [\n${rows}\n  ]`;
    }
    return `  ${JSON.stringify(key)}: ${JSON.stringify(value, roundNumbers)}`;
  });
  return `{\n${fields.join(',\n')}\n}\n`;
}

/** Three decimals are plenty, and keep the committed JSON small. */
function roundNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isInteger(value) ? Number(value.toFixed(3)) : value;
}
