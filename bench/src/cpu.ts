import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (user + system) in ms of every process of interest, by pid, with its group. */
export type CpuSnapshot = Map<number, { readonly group: string; readonly ms: number }>;

const TICK_MS = 10; // USER_HZ is 100 on Linux

/**
 * Reads the CPU time of the pids given by name (the services a scenario started), PostgreSQL's
 * processes (`postgres`), Kafka's JVM (`java`) and this process (`bench client`). Other processes
 * are ignored. Empty where /proc is missing.
 */
export function cpuSnapshot(named: ReadonlyMap<number, string>): CpuSnapshot {
  const snapshot: CpuSnapshot = new Map();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return snapshot;
  }
  for (const entry of pids) {
    const pid = Number(entry);
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(open + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime field 15
    const ms = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
    const group =
      named.get(pid) ??
      (pid === process.pid
        ? 'bench client'
        : comm === 'postgres'
          ? 'postgres'
          : comm === 'java'
            ? 'kafka (java)'
            : undefined);
    if (group !== undefined) snapshot.set(pid, { group, ms });
  }
  return snapshot;
}

/**
 * CPU ms spent by each group between two snapshots, summed per process: a process that started
 * meanwhile counts from zero, one that ended meanwhile (a PostgreSQL backend whose connection
 * closed) is missed for its last interval, so a figure is never negative but may be low.
 */
export function cpuSpent(before: CpuSnapshot, after: CpuSnapshot): Map<string, number> {
  const spent = new Map<string, number>();
  for (const [pid, { group, ms }] of after) {
    const earlier = before.get(pid);
    const delta = earlier === undefined || earlier.group !== group ? ms : ms - earlier.ms;
    spent.set(group, (spent.get(group) ?? 0) + Math.max(0, delta));
  }
  return spent;
}
