// GET /v1/orders/{id} through the gateway: reads/s, latency and CPU per read of every process.
//
//   node scripts/build.mjs && node tools/read-bench/read-bench.mjs
//
// Starts the whole platform (startPlatform, from dist/), creates READ_BENCH_TENANTS enterprise
// tenants (isolation READ_BENCH_ISOLATION: shared, schema, dedicated or mixed = alternating shared
// and schema), READ_BENCH_ORDERS orders each with one item, then READ_BENCH_CLIENTS clients (each on
// its own keep-alive connection, each for one tenant) read those orders in a loop for
// READ_BENCH_SECONDS after a warm-up. CPU time comes from /proc/<pid>/stat: each service process,
// and the PostgreSQL backends that serve this platform's connections (found through the services'
// TCP sockets and pg_stat_activity), so the other users of the shared server are not counted.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { startPlatform, eventually, uniqueSuffix, testInfra, deleteTopicsWithPrefix } = require(
  path.join(root, 'dist/libs/testing/src/index.js'),
);
const { Pool: PgPool } = require('pg');
const { Pool } = require('undici');

const env = (name, fallback) => process.env[name] ?? fallback;
const BASE = Number(env('READ_BENCH_PORT', '27480'));
const TENANTS = Number(env('READ_BENCH_TENANTS', '16'));
const ORDERS = Number(env('READ_BENCH_ORDERS', '8'));
const CLIENTS = Number(env('READ_BENCH_CLIENTS', '64'));
const SECONDS = Number(env('READ_BENCH_SECONDS', '15'));
const WARMUP_SECONDS = Number(env('READ_BENCH_WARMUP_SECONDS', '5'));
const ISOLATION = env('READ_BENCH_ISOLATION', 'mixed');
// `gateway` (the public path) or `query`: the query service directly, as the gateway calls it
// (a signed internal context where the build has one, else the caller's token), to see its own cost.
const TARGET = env('READ_BENCH_TARGET', 'gateway');
const TICK_MS = 10; // USER_HZ

const log = (message) => process.stderr.write(`[read-bench] ${message}\n`);

/** user + system CPU ms of one process, undefined when it is gone. */
function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}

/** Local ports of the process's TCP connections to PostgreSQL (port 5432). */
function postgresClientPorts(pid) {
  const inodes = new Set();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match) inodes.add(match[1]);
    } catch {
      // closed meanwhile
    }
  }
  const ports = [];
  for (const file of ['tcp', 'tcp6']) {
    let lines;
    try {
      lines = readFileSync(`/proc/${pid}/net/${file}`, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || !inodes.has(cols[9])) continue;
      const remotePort = parseInt(cols[2].split(':')[1], 16);
      if (remotePort === 5432) ports.push(parseInt(cols[1].split(':')[1], 16));
    }
  }
  return ports;
}

/** The PostgreSQL backends serving the given processes' connections. */
async function backendsOf(stats, pids) {
  const ports = pids.flatMap((pid) => postgresClientPorts(pid));
  const { rows } = await stats.query(
    'select pid from pg_stat_activity where client_port = any($1::int[]) and pid <> pg_backend_pid()',
    [ports],
  );
  return rows.map((row) => Number(row.pid));
}

function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function json(pool, method, urlPath, headers, body) {
  const response = await pool.request({
    method,
    path: urlPath,
    headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.body.text();
  return { status: response.statusCode, body: text === '' ? {} : JSON.parse(text) };
}

async function main() {
  log(`starting the platform on ports ${BASE}+`);
  const platform = await startPlatform(BASE, { name: 'readbench', extraEnv: { LOG_LEVEL: 'warn' } });
  const stats = new PgPool({ connectionString: testInfra.databaseUrl, max: 1 });
  const gateway = platform.gateways[0].url;
  const setup = new Pool(gateway, { connections: 8 });
  const queryService = platform.services.find((s) => s.name.endsWith('-query')).url;
  const reads = new Pool(TARGET === 'query' ? queryService : gateway, {
    connections: CLIENTS,
    pipelining: 1,
  });
  const secret = platform.env.INTERNAL_CONTEXT_SECRET;
  const codec =
    TARGET === 'query' && secret !== undefined
      ? new (require(path.join(root, 'dist/libs/tenancy/src/index.js')).InternalContextCodec)(secret)
      : undefined;
  const headersFor = (tenant, orderPath) =>
    codec === undefined
      ? tenant.headers
      : {
          'x-internal-context': codec.sign(
            { tenantId: tenant.id, actor: 'reader', roles: ['member'], correlationId: 'read-bench' },
            { method: 'GET', path: orderPath },
          ),
        };
  try {
    const admin = { authorization: `Bearer ${platform.token(['platform-admin'])}` };
    const suffix = uniqueSuffix();
    const isolationOf = (i) => (ISOLATION === 'mixed' ? (i % 2 === 0 ? 'shared' : 'schema') : ISOLATION);
    const tenants = await Promise.all(
      Array.from({ length: TENANTS }, async (_, i) => {
        const slug = `rb-${suffix}-${i}`;
        const created = await json(setup, 'POST', '/v1/tenants', admin, {
          slug,
          name: slug,
          plan: 'enterprise',
          isolation: isolationOf(i),
        });
        if (created.status !== 202) throw new Error(`create tenant: ${created.status}`);
        const id = created.body.id;
        const headers = {
          authorization: `Bearer ${platform.token(['member'], [id], `reader-${i}`)}`,
          'x-tenant-id': id,
        };
        await eventually(
          async () => {
            const r = await json(setup, 'GET', `/v1/orders/${crypto.randomUUID()}`, headers);
            if (r.status !== 404) throw new Error(`tenant ${slug}: ${r.status}`);
          },
          { timeoutMs: 60_000, intervalMs: 200, what: `tenant ${slug} served` },
        );
        return { id, headers, orders: [] };
      }),
    );
    log(`${TENANTS} tenants active (${ISOLATION}); creating ${ORDERS} orders each`);
    for (const tenant of tenants) {
      for (let n = 0; n < ORDERS; n += 1) {
        const created = await json(setup, 'POST', '/v1/orders', tenant.headers, { customerId: `c-${n}` });
        if (created.status !== 201) throw new Error(`create order: ${created.status}`);
        const orderId = created.body.orderId;
        const item = { sku: 'SKU-1', quantity: 2, unitPrice: { amount: '9.99', currency: 'EUR' } };
        const added = await json(setup, 'POST', `/v1/orders/${orderId}/items`, tenant.headers, item);
        if (added.status !== 200) throw new Error(`add item: ${added.status}`);
        tenant.orders.push(orderId);
      }
    }
    for (const tenant of tenants) {
      for (const orderId of tenant.orders) {
        await eventually(
          async () => {
            const r = await json(setup, 'GET', `/v1/orders/${orderId}`, tenant.headers);
            if (r.status !== 200 || r.body.itemCount !== 1) throw new Error(`order ${orderId}: ${r.status}`);
          },
          { timeoutMs: 30_000, what: `order ${orderId} projected` },
        );
      }
    }

    const run = async (ms) => {
      const latencies = [];
      const statuses = new Map();
      const deadline = performance.now() + ms;
      const client = async (c) => {
        const tenant = tenants[c % TENANTS];
        for (let n = c; performance.now() < deadline; n += 1) {
          const orderPath = `/v1/orders/${tenant.orders[n % tenant.orders.length]}`;
          const sent = performance.now();
          const response = await reads.request({
            method: 'GET',
            path: orderPath,
            headers: headersFor(tenant, orderPath),
          });
          await response.body.dump();
          latencies.push(performance.now() - sent);
          statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        }
      };
      const started = performance.now();
      await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
      return { latencies, statuses, elapsed: performance.now() - started };
    };

    log(`warm-up ${WARMUP_SECONDS} s`);
    await run(WARMUP_SECONDS * 1_000);
    const services = platform.services.map((s) => ({ name: s.name, pid: s.process.pid }));
    const backends = await backendsOf(
      stats,
      services.map((s) => s.pid),
    );
    const before = new Map(
      [...services.map((s) => s.pid), ...backends, process.pid].map((pid) => [pid, cpuMs(pid)]),
    );
    log(`measuring ${SECONDS} s, ${CLIENTS} clients, ${backends.length} PostgreSQL backends followed`);
    const result = await run(SECONDS * 1_000);
    const spent = (pid) => (cpuMs(pid) ?? before.get(pid) ?? 0) - (before.get(pid) ?? 0);
    const ok = result.statuses.get(200) ?? 0;
    const total = result.latencies.length;
    const sorted = result.latencies.sort((a, b) => a - b);
    const perRead = (ms) => (ms / total).toFixed(3);
    const rows = services.map((s) => [s.name.replace(/^readbench-/, ''), spent(s.pid)]);
    rows.push(['postgres (our backends)', backends.reduce((sum, pid) => sum + spent(pid), 0)]);
    const platformMs = rows.reduce((sum, [, ms]) => sum + ms, 0);
    const report = [
      `reads: ${total} in ${(result.elapsed / 1_000).toFixed(1)} s = ${((total * 1_000) / result.elapsed).toFixed(0)} reads/s; statuses ${JSON.stringify(Object.fromEntries(result.statuses))}`,
      `latency ms: p50 ${percentile(sorted, 50).toFixed(2)}, p90 ${percentile(sorted, 90).toFixed(2)}, p99 ${percentile(sorted, 99).toFixed(2)}, max ${sorted.at(-1)?.toFixed(2)}`,
      'CPU ms per read:',
      ...rows.map(([name, ms]) => `  ${name.padEnd(26)} ${perRead(ms)}`),
      `  ${'sum (platform)'.padEnd(26)} ${perRead(platformMs)}`,
      `  ${'(bench client)'.padEnd(26)} ${perRead(spent(process.pid))}`,
      `settings: ${TARGET}, ${TENANTS} tenants (${ISOLATION}), ${ORDERS} orders each, ${CLIENTS} clients, ${SECONDS} s after ${WARMUP_SECONDS} s warm-up`,
    ];
    if (ok !== total) report.push(`WARNING: ${total - ok} reads did not answer 200`);
    process.stdout.write(`${report.join('\n')}\n`);
  } finally {
    await reads.close();
    await setup.close();
    await stats.end();
    await platform.stop();
    await deleteTopicsWithPrefix(platform.env.KAFKA_TOPIC_PREFIX, testInfra.kafkaBrokers).catch(
      () => undefined,
    );
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
