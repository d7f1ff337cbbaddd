// Idle CPU of the platform: starts every service with startPlatform (built services in dist/), lets it
// settle, then samples the CPU time (utime + stime in /proc/<pid>/stat) of each service process, of
// the PostgreSQL backends that serve them, of the whole PostgreSQL server and of the Kafka broker's
// JVM, and prints each as a share of one core. Load average is useless on a shared machine; CPU time
// per process is not. PostgreSQL and Kafka are shared with whoever else uses them: their figures
// are measured once before the platform starts too, so the difference is what the platform adds.
//
//   node scripts/build.mjs && node tools/idle-cpu.mjs
//   IDLE_SETTLE_S=10 IDLE_WINDOW_S=30 IDLE_WINDOWS=2 IDLE_BASELINE_S=15 IDLE_BASE_PORT=47300 node tools/idle-cpu.mjs
import { execSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { startPlatform } = require(path.join(root, 'dist/libs/testing/src/platform.js'));
const { Client } = require('pg');

const seconds = (name, fallback) => Number(process.env[name] ?? fallback);
const settleS = seconds('IDLE_SETTLE_S', 10);
const windowS = seconds('IDLE_WINDOW_S', 30);
const windows = seconds('IDLE_WINDOWS', 2);
const baselineS = seconds('IDLE_BASELINE_S', 15);
const basePort = seconds('IDLE_BASE_PORT', 47_300 + 20 * Math.floor(Math.random() * 50));
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://platform:platform@127.0.0.1:5432/platform';
const ticksPerSecond = Number(execSync('getconf CLK_TCK').toString().trim());
const wait = (s) => new Promise((resolve) => setTimeout(resolve, s * 1_000));

/** utime + stime of a process, in clock ticks; undefined once it is gone. */
function cpuTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // fields 14 and 15 of stat(5)
  } catch {
    return undefined;
  }
}

const allPids = () =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number);
const cmdline = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
};
const parentOf = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
};

const kafkaPid = () => allPids().find((pid) => cmdline(pid).includes('kafka.Kafka'));
function postgresPids() {
  const postmaster = allPids().find((pid) => /postgres -D /.test(cmdline(pid)));
  if (postmaster === undefined) return [];
  return [postmaster, ...allPids().filter((pid) => parentOf(pid) === postmaster)];
}

/** Local ports of the TCP connections a process holds to PostgreSQL (port 5432). */
function portsToPostgres(pid) {
  const inodes = new Set();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const target = (() => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
          return '';
        }
      })();
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match) inodes.add(match[1]);
    }
  } catch {
    return [];
  }
  const ports = [];
  for (const table of ['tcp', 'tcp6']) {
    let lines = [];
    try {
      lines = readFileSync(`/proc/${pid}/net/${table}`, 'utf8').trim().split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const columns = line.trim().split(/\s+/);
      const local = columns[1] ?? '';
      const remote = columns[2] ?? '';
      if (remote.endsWith(':1538') && inodes.has(columns[9])) ports.push(parseInt(local.split(':')[1], 16));
    }
  }
  return ports;
}

/** PostgreSQL backend pids serving the given processes (matched by client port). */
async function backendsOf(pids) {
  const ports = new Set(pids.flatMap(portsToPostgres));
  const client = new Client({ connectionString: databaseUrl, application_name: 'idle-cpu' });
  await client.connect();
  try {
    const { rows } = await client.query('select pid, client_port from pg_stat_activity');
    return rows.filter((row) => ports.has(row.client_port)).map((row) => row.pid);
  } finally {
    await client.end();
  }
}

/**
 * Messages consumed and events relayed so far, over every service (`/metrics` on its management
 * port): the store, the
 * registry and the brokers are shared, so another engineer's run can make an "idle" platform work
 * (its relay publishes what others append; its controller provisions their tenants).
 */
async function traffic(services) {
  let consumed = 0;
  let relayed = 0;
  for (const service of services) {
    const text = await fetch(`${service.managementUrl}/metrics`)
      .then((response) => response.text())
      .catch(() => '');
    for (const line of text.split('\n')) {
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (line.startsWith('messaging_messages_total{')) consumed += value;
      if (line.startsWith('event_relay_events_total{')) relayed += value;
    }
  }
  return { consumed, relayed };
}

/** CPU share of one core per named group of pids over `s` seconds. */
async function sample(groups, s) {
  const before = groups.map(({ pids }) => new Map(pids.map((pid) => [pid, cpuTicks(pid)])));
  const started = process.hrtime.bigint();
  await wait(s);
  const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
  return groups.map(({ name, pids }, i) => {
    let ticks = 0;
    for (const pid of pids) {
      const start = before[i].get(pid);
      const end = cpuTicks(pid);
      if (start !== undefined && end !== undefined) ticks += end - start;
    }
    return { name, pids: pids.length, percent: (100 * ticks) / ticksPerSecond / elapsedS };
  });
}

function print(title, results) {
  console.log(`\n${title}`);
  for (const { name, pids, percent } of results) {
    console.log(
      `  ${name.padEnd(34)} ${percent.toFixed(2).padStart(6)} %  (${pids} process${pids === 1 ? '' : 'es'})`,
    );
  }
}

const shared = () => [
  { name: 'kafka broker (JVM, shared)', pids: [kafkaPid()].filter((pid) => pid !== undefined) },
  { name: 'postgresql (all processes, shared)', pids: postgresPids() },
];

const revision = (() => {
  try {
    return execSync('git describe --always --dirty', { cwd: root, stdio: 'pipe' }).toString().trim();
  } catch {
    return process.env.IDLE_REVISION ?? 'not a git checkout';
  }
})();
console.log(`${root} at ${revision}, ${ticksPerSecond} ticks/s`);
if (baselineS > 0) print(`before the platform starts, ${baselineS} s`, await sample(shared(), baselineS));

const platform = await startPlatform(basePort, { name: `idle${basePort}` });
try {
  await wait(settleS);
  for (let w = 1; w <= windows; w++) {
    const servicePids = platform.services.map((s) => s.process.pid);
    const groups = [
      ...platform.services.map((s) => ({ name: s.name, pids: [s.process.pid] })),
      { name: 'postgres backends of the services', pids: await backendsOf(servicePids) },
      ...shared(),
    ];
    const before = await traffic(platform.services);
    const results = await sample(groups, windowS);
    const after = await traffic(platform.services);
    const services = results.slice(0, platform.services.length);
    const total = services.reduce((sum, r) => sum + r.percent, 0);
    results.splice(services.length, 0, { name: 'SERVICES TOTAL', pids: services.length, percent: total });
    print(`idle platform, window ${w}/${windows}, ${windowS} s (after ${settleS} s to settle)`, results);
    const relayed = after.relayed - before.relayed;
    const consumed = after.consumed - before.consumed;
    console.log(
      `  traffic meanwhile: ${relayed} events relayed, ${consumed} messages consumed (0 and 0: idle)`,
    );
  }
} finally {
  await platform.stop();
}
