import type { BenchConfig } from './config';
import { collectGarbage, median, sleep, spread } from './stats';
import type { Side } from './stores';

/** One timed repetition: the figure, plus side figures (latency percentiles, conflict rate...). */
export interface Trial {
  value: number;
  extra?: Record<string, number>;
}

/** A line of the results table. */
export interface Row {
  id: string;
  scenario: string;
  unit: string;
  better: 'higher' | 'lower';
  /** Median of our repetitions; null when not run. */
  ours: number | null;
  /** Median of the peer's repetitions; null when not run. */
  peer: number | null;
  /** What the peer column is for this row. */
  peerLabel: string;
  /** ours / peer; null when either is missing. */
  ratio: number | null;
  /** PostgreSQL's own ceiling for this row (pgbench), where one applies. */
  ceiling?: { value: number; label: string };
  note?: string;
  reps?: { ours: number[]; peer: number[] };
  /** Medians of each extra figure across repetitions, per side. */
  extra?: { ours: Record<string, number>; peer: Record<string, number> };
  spread?: { ours: number; peer: number };
  /**
   * Repetition i of ours against repetition i of the peer (taken one after the other): in how many
   * of these pairs ours was better. The load of the machine moves both members of a pair alike.
   */
  pairs?: { oursBetter: number; total: number };
}

export interface Contender<T> {
  side: Side;
  subject: T;
}

/**
 * The measuring discipline: a warm-up per side (discarded), then `config.reps` repetitions,
 * alternating ours, peer, ours, peer... so drift during the run (autovacuum, checkpoints, the page
 * cache, a neighbour's load) falls on both sides alike. A collection and a short pause between trials.
 */
export async function alternate<T>(
  config: BenchConfig,
  contenders: readonly Contender<T>[],
  trial: (subject: T, warmup: boolean) => Promise<Trial>,
): Promise<Record<Side, Trial[]>> {
  const results: Record<Side, Trial[]> = { ours: [], peer: [] };
  for (const { subject } of contenders) {
    await trial(subject, true);
    await settle();
  }
  for (let rep = 0; rep < config.reps; rep += 1) {
    for (const { side, subject } of contenders) {
      results[side].push(await trial(subject, false));
      await settle();
    }
  }
  return results;
}

async function settle(): Promise<void> {
  collectGarbage();
  await sleep(150);
}

/** The row of a compared scenario: medians, ratio, repetitions and the medians of the extras. */
export function toRow(
  base: Omit<Row, 'ours' | 'peer' | 'ratio' | 'reps' | 'extra' | 'spread' | 'pairs'>,
  results: Partial<Record<Side, Trial[]>>,
): Row {
  const values = (side: Side): number[] => (results[side] ?? []).map((t) => t.value);
  const ours = values('ours').length > 0 ? median(values('ours')) : null;
  const peer = values('peer').length > 0 ? median(values('peer')) : null;
  return {
    ...base,
    ours,
    peer,
    ratio: ours !== null && peer !== null && peer !== 0 ? ours / peer : null,
    reps: { ours: values('ours'), peer: values('peer') },
    extra: { ours: extraMedians(results.ours ?? []), peer: extraMedians(results.peer ?? []) },
    spread: { ours: spread(values('ours')), peer: spread(values('peer')) },
    pairs: pairsOf(values('ours'), values('peer'), base.better),
  };
}

function pairsOf(ours: number[], peer: number[], better: Row['better']): Row['pairs'] {
  const total = Math.min(ours.length, peer.length);
  if (total === 0) return undefined;
  let oursBetter = 0;
  for (let i = 0; i < total; i += 1) {
    if (better === 'higher' ? ours[i]! > peer[i]! : ours[i]! < peer[i]!) oursBetter += 1;
  }
  return { oursBetter, total };
}

function extraMedians(trials: readonly Trial[]): Record<string, number> {
  const keys = new Set(trials.flatMap((t) => Object.keys(t.extra ?? {})));
  const out: Record<string, number> = {};
  for (const key of keys) {
    out[key] = median(trials.map((t) => t.extra?.[key]).filter((v): v is number => v !== undefined));
  }
  return out;
}

/** Progress on stderr, so stdout carries only the final table. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
