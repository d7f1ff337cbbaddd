import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (user + system) in ms per named group of processes, from /proc (Linux). */
export type CpuSnapshot = Map<string, number>;

const TICK_MS = 10; // USER_HZ is 100 on Linux

/**
 * Reads every process's CPU time and adds it up by group: the pids given by name (the services a
 * scenario started), PostgreSQL's processes (`postgres`), Kafka's JVM (`java`), and this process
 * (`bench client`). Other processes are ignored. Empty where /proc is missing.
 */
export function cpuSnapshot(named: ReadonlyMap<number, string>): CpuSnapshot {
  const totals: CpuSnapshot = new Map();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return totals;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
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
      named.get(Number(pid)) ??
      (Number(pid) === process.pid
        ? 'bench client'
        : comm === 'postgres'
          ? 'postgres'
          : comm === 'java'
            ? 'kafka (java)'
            : undefined);
    if (group !== undefined) totals.set(group, (totals.get(group) ?? 0) + ms);
  }
  return totals;
}

/** CPU ms spent by each group between two snapshots (processes that ended meanwhile are missed). */
export function cpuSpent(before: CpuSnapshot, after: CpuSnapshot): Map<string, number> {
  const spent = new Map<string, number>();
  for (const [group, ms] of after) spent.set(group, ms - (before.get(group) ?? 0));
  return spent;
}
