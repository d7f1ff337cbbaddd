import { Pool } from 'pg';
import { Agent, request } from 'undici';
import { deleteTopicsWithPrefix, startPlatform, waitReady, type RunningService } from '@platform/testing';
import type { BenchConfig } from '../config';
import { cpuSnapshot, cpuSpent } from '../cpu';
import { alternate, progress, toRow, type Row, type Trial } from '../harness';
import { activeTenant, byPid, committed, cpuNote, startPeer } from '../platform-target';
import { now, percentile, sleep } from '../stats';

/** Ports of the platform's services and of the peer, away from the e2e specs' ones. */
const BASE_PORT = 31_080;
const PEER_PORT = BASE_PORT + 50;
/** Tenants the load is spread over (enterprise plan: 500 requests/s each, far above what 2 cores do). */
const TENANTS = 4;
const LEVELS = [
  { id: 'http-command-1c', clients: 1 },
  { id: 'http-command-16c', clients: 16 },
] as const;

interface Target {
  readonly url: string;
  /** The target's own processes by pid, for the CPU breakdown. */
  readonly processes: ReadonlyMap<number, string>;
  /** Headers of each request of tenant `i`. */
  readonly headers: (i: number) => Record<string, string>;
}

/**
 * A command over HTTP, the platform's whole write path: `POST /v1/orders` through the gateway (JWT,
 * tenant guard, rate limit shared in PostgreSQL, request on Kafka), the command service (tenant
 * status, read stream, decide, append with its audit record and quota unit in one transaction,
 * reply on Kafka), back to the client. The peer is the least a durable HTTP write does on this
 * machine: a raw fastify process that checks the body and inserts one row (bench/src/peers).
 * Both are separate processes driven by the same undici client; 1 client gives latency, 16 clients
 * throughput. The event relay, projection and saga run too, as in production: their work is part
 * of the platform's cost.
 */
export async function httpCommandScenarios(
  config: BenchConfig,
  isSelected: (id: string) => boolean,
): Promise<Row[]> {
  const levels = LEVELS.filter((level) => isSelected(level.id));
  if (levels.length === 0) return [];
  const suffix = config.runId.replace(/[^a-z0-9]/g, '');
  const topicPrefix = `bench-${suffix}.`;
  const peerSchema = `bench_http_${suffix}`;
  const agent = new Agent({ connections: 32, pipelining: 1 });
  const stats = new Pool({ connectionString: config.databaseUrl, max: 1 });
  const services: RunningService[] = [];
  try {
    progress('http commands: starting the platform (6 services) and the raw fastify peer');
    const platform = await startPlatform(BASE_PORT, {
      name: 'bench',
      extraEnv: { KAFKA_TOPIC_PREFIX: topicPrefix, LOG_LEVEL: 'warn', ...tracingEnv() },
    });
    const peerService = startPeer(config, peerSchema, PEER_PORT);
    services.push(...platform.services, peerService);
    await waitReady(peerService);

    const gateway = platform.gateways[0]?.url ?? '';
    const { sign } = platform;
    const admin = `Bearer ${sign({ sub: 'bench-admin', roles: ['platform-admin'], tenants: [] })}`;
    const tenants: string[] = [];
    for (let i = 0; i < TENANTS; i += 1)
      tenants.push(await activeTenant(agent, gateway, admin, `bench-${suffix}-${i}`));
    const tokens = tenants.map(
      (tenant) => `Bearer ${sign({ sub: 'bench', roles: ['member'], tenants: [tenant] })}`,
    );
    const ours: Target = {
      url: `${gateway}/v1/orders`,
      processes: byPid(services.filter((service) => service.name !== 'raw-fastify-peer')),
      headers: (i) => ({ authorization: tokens[i % TENANTS]!, 'x-tenant-id': tenants[i % TENANTS]! }),
    };
    const peer: Target = {
      url: `http://127.0.0.1:${PEER_PORT}/v1/orders`,
      processes: byPid(services.filter((service) => service.name === 'raw-fastify-peer')),
      headers: (i) => ({ 'x-tenant-id': tenants[i % TENANTS]! }),
    };
    // Until every tenant's commands are accepted (each service learns of it from tenants.lifecycle).
    for (let i = 0; i < TENANTS; i += 1) await untilAccepted(agent, ours, i);

    const rows: Row[] = [];
    for (const level of levels) {
      progress(
        `http commands, ${level.clients} client(s): ${config.reps} x ${config.trialSeconds} s per side`,
      );
      const results = await alternate(
        config,
        [
          { side: 'ours', subject: ours },
          { side: 'peer', subject: peer },
        ],
        (target, warmup) =>
          drive(
            agent,
            stats,
            target,
            level.clients,
            (warmup ? config.warmupSeconds : config.trialSeconds) * 1_000,
          ),
      );
      const latency = level.clients === 1;
      const row = toRow(
        {
          id: level.id,
          scenario: latency
            ? 'POST /v1/orders over HTTP, 1 client: median latency'
            : `POST /v1/orders over HTTP, ${level.clients} clients, ${TENANTS} tenants: requests/s`,
          unit: latency ? 'ms' : 'req/s',
          better: latency ? 'lower' : 'higher',
          peerLabel: 'raw fastify + one INSERT in PostgreSQL (bench/src/peers/raw-fastify.ts)',
        },
        {
          ours: results.ours.map((t) => (latency ? latencyTrial(t) : t)),
          peer: results.peer.map((t) => (latency ? latencyTrial(t) : t)),
        },
      );
      const xacts = row.extra?.ours['pgTransactionsPerRequest'] ?? Number.NaN;
      rows.push({
        ...row,
        note: `${level.id}: PostgreSQL transactions per request (ours, median) ${xacts.toFixed(1)}; CPU ms per request (medians): ${cpuNote(row)}`,
      });
    }
    return rows;
  } finally {
    await agent.close();
    await stats.end();
    await Promise.all(services.map((service) => service.stop()));
    if (!config.keep) {
      const admin = new Pool({ connectionString: config.databaseUrl, max: 1 });
      await admin.query(`drop schema if exists "${peerSchema}" cascade`).catch(() => undefined);
      await admin.end();
      await deleteTopicsWithPrefix(topicPrefix, config.brokers).catch(() => undefined);
    }
  }
}

/**
 * `clients` loops sending `POST` for `ms`; req/s as the value; latency p50/p99, CPU ms per request by
 * process and PostgreSQL transactions per request as extras.
 */
async function drive(agent: Agent, stats: Pool, target: Target, clients: number, ms: number): Promise<Trial> {
  const latencies: number[] = [];
  const started = now();
  const deadline = started + ms;
  const client = async (i: number): Promise<void> => {
    for (let n = 0; now() < deadline; n += 1) {
      const sent = now();
      const response = await request(target.url, {
        dispatcher: agent,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...target.headers(i + n * clients) },
        body: JSON.stringify({ customerId: `cust-${i}-${n}` }),
      });
      const text = await response.body.text();
      if (response.statusCode !== 201) throw new Error(`${target.url}: ${response.statusCode} ${text}`);
      latencies.push(now() - sent);
    }
  };
  const cpuBefore = cpuSnapshot(target.processes);
  const xactsBefore = await committed(stats);
  await Promise.all(Array.from({ length: clients }, (_, i) => client(i)));
  const seconds = (now() - started) / 1_000;
  // pg_stat_database is updated when a session reports: give them a moment
  await sleep(600);
  const xacts = (await committed(stats)) - xactsBefore;
  // CPU ms per request, by process: where a request's cost goes on this machine.
  const cpu = Object.fromEntries(
    [...cpuSpent(cpuBefore, cpuSnapshot(target.processes))].map(([group, ms]) => [
      `cpuMsPerRequest ${group}`,
      ms / Math.max(1, latencies.length),
    ]),
  );
  return {
    value: latencies.length / seconds,
    extra: {
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      requests: latencies.length,
      pgTransactionsPerRequest: xacts / Math.max(1, latencies.length),
      ...cpu,
    },
  };
}

/** A 1-client trial's figure is its median latency (its req/s is the inverse, kept as an extra). */
const latencyTrial = (trial: Trial): Trial => ({
  value: trial.extra?.['p50Ms'] ?? Number.NaN,
  extra: { ...trial.extra, reqPerSecond: trial.value },
});

async function untilAccepted(agent: Agent, target: Target, i: number): Promise<void> {
  let last = '';
  for (const deadline = now() + 30_000; now() < deadline; await sleep(100)) {
    const response = await request(target.url, {
      dispatcher: agent,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...target.headers(i) },
      body: JSON.stringify({ customerId: 'warm-up' }),
    });
    last = `${response.statusCode} ${await response.body.text()}`;
    if (response.statusCode === 201) return;
  }
  throw new Error(`commands of tenant ${i} not accepted within 30 s: ${last}`);
}

/**
 * `BENCH_TRACING=1` (bench/run.sh starts the local Jaeger then): every service exports every span
 * (100 % sampling) to it, to weigh tracing's cost against a run without (ADR 0027).
 */
function tracingEnv(): Record<string, string> {
  if (process.env['BENCH_TRACING'] !== '1') return {};
  return {
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_ENDPOINT: process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] ?? 'http://127.0.0.1:4318',
    OTEL_TRACES_SAMPLER: 'parentbased_always_on',
  };
}
