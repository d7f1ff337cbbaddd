import { Pool } from 'pg';
import { Agent, request } from 'undici';
import { deleteTopicsWithPrefix, startPlatform, waitReady, type RunningService } from '@platform/testing';
import type { BenchConfig } from '../config';
import { cpuSnapshot, cpuSpent } from '../cpu';
import { alternate, progress, toRow, type Row, type Trial } from '../harness';
import { activeTenant, byPid, committed, cpuNote, startPeer } from '../platform-target';
import { now, percentile, sleep } from '../stats';

// The command path at scale (issue 8): `POST /v1/orders/{id}/items` through the whole platform,
// 200 orders over 4 tenants, 64 clients; the same load at 70 % of the rate reached; append ->
// visible in the read model; `GET /v1/orders/{id}` over 16 tenants and for one enterprise tenant at
// its plan's 500/s; the idle platform. The peer of the rates is the raw fastify process (one
// INSERT per write, one SELECT per read), driven by the same client in the same run.

const BASE_PORT = 20_580;
const PEER_PORT = BASE_PORT + 50;
const COMMAND_TENANTS = 4;
const READ_TENANTS = 16;
const ORDERS = 200;
/** Orders of each read tenant (one item each). */
const READ_ORDERS_PER_TENANT = 8;
/** An order takes at most 100 lines (MAX_ORDER_LINES): a slot gets a new order before that. */
const LINES_PER_ORDER = 90;
const SINGLE_TENANT_RATE = 500;

interface Settings {
  readonly seconds: number;
  readonly clients: number;
}

function settingsFromEnv(): Settings {
  const number = (name: string, fallback: number): number => {
    const raw = process.env[name];
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
    return value;
  };
  return { seconds: number('BENCH_COMMAND_SECONDS', 60), clients: number('BENCH_COMMAND_CLIENTS', 64) };
}

/** One side of the comparison: where to send, whose CPU counts, the headers of tenant `t`. */
interface Side {
  readonly base: string;
  readonly processes: ReadonlyMap<number, string>;
  readonly headers: (tenant: number) => Record<string, string>;
}

/** An operation of the load: resolves when answered as expected, throws otherwise. */
type Operation = (client: number) => Promise<void>;

export async function commandPathScenarios(
  config: BenchConfig,
  isSelected: (id: string) => boolean,
): Promise<Row[]> {
  const ids = [
    'command-path-items',
    'command-path-paced',
    'command-path-visible',
    'command-path-reads',
    'command-path-idle',
  ];
  if (!ids.some(isSelected)) return [];
  const settings = settingsFromEnv();
  const suffix = config.runId.replace(/[^a-z0-9]/g, '');
  const topicPrefix = `bench-${suffix}.`;
  const peerSchema = `bench_cp_${suffix}`;
  const agent = new Agent({ connections: 256, pipelining: 1 });
  const stats = new Pool({ connectionString: config.databaseUrl, max: 1 });
  const services: RunningService[] = [];
  try {
    progress('command path: starting the platform (6 services) and the raw fastify peer');
    const platform = await startPlatform(BASE_PORT, {
      name: 'bench',
      extraEnv: { KAFKA_TOPIC_PREFIX: topicPrefix, LOG_LEVEL: 'warn' },
    });
    const peerService = startPeer(config, peerSchema, PEER_PORT);
    services.push(...platform.services, peerService);
    await waitReady(peerService);
    const gateway = platform.gateways[0]?.url ?? '';
    const admin = `Bearer ${platform.sign({ sub: 'bench-admin', roles: ['platform-admin'], tenants: [] })}`;
    progress(`command path: ${READ_TENANTS} enterprise tenants`);
    const tenants: string[] = [];
    for (let i = 0; i < READ_TENANTS; i += 1)
      tenants.push(await activeTenant(agent, gateway, admin, `bench-${suffix}-${i}`));
    const tokens = tenants.map(
      (tenant) => `Bearer ${platform.sign({ sub: 'bench', roles: ['member'], tenants: [tenant] })}`,
    );
    const platformProcesses = byPid(platform.services);
    // its management port: `/metrics` is not served on the service port
    const commandService = platform.commandServices[0]?.managementUrl ?? '';
    const ours: Side = {
      base: gateway,
      processes: platformProcesses,
      headers: (t) => ({ authorization: tokens[t]!, 'x-tenant-id': tenants[t]! }),
    };
    const peer: Side = {
      base: peerService.url,
      processes: byPid([peerService]),
      headers: (t) => ({ 'x-tenant-id': tenants[t]! }),
    };
    // until every service has heard of every tenant's activation (tenants.lifecycle)
    for (let t = 0; t < READ_TENANTS; t += 1) await untilAccepted(agent, ours, t);
    const rows: Row[] = [];
    const seconds = settings.seconds;

    if (['command-path-items', 'command-path-paced', 'command-path-visible'].some(isSelected)) {
      const oursSlots = await OrderSlots.create(agent, ours, ORDERS, COMMAND_TENANTS);
      const peerSlots = await OrderSlots.create(agent, peer, ORDERS, COMMAND_TENANTS);
      progress(
        `command path: items, ${settings.clients} clients, ${ORDERS} orders, ${COMMAND_TENANTS} tenants: ${config.reps} x ${seconds} s per side`,
      );
      const visible: number[] = [];
      const results = await alternate(
        config,
        [
          { side: 'ours', subject: { side: ours, slots: oursSlots } },
          { side: 'peer', subject: { side: peer, slots: peerSlots } },
        ],
        async ({ side, slots }, warmup) => {
          const ms = (warmup ? Math.min(5, seconds) : seconds) * 1_000;
          const probe = side === ours && !warmup ? visibilityProbe(agent, ours, ms, visible) : undefined;
          const groupsBefore =
            side === ours ? await histogramOf(agent, commandService, GROUP_METRIC) : undefined;
          const trial = await closedLoop(stats, side, settings.clients, ms, (c) => slots.addItem(agent, c));
          await probe;
          if (groupsBefore === undefined) return trial;
          const groups = await histogramOf(agent, commandService, GROUP_METRIC);
          const commandsPerTransaction =
            (groups.sum - groupsBefore.sum) / Math.max(1, groups.count - groupsBefore.count);
          return { ...trial, extra: { ...trial.extra, commandsPerTransaction } };
        },
      );
      const items = toRow(
        {
          id: 'command-path-items',
          scenario: `POST /v1/orders/{id}/items, ${settings.clients} clients, ${ORDERS} orders over ${COMMAND_TENANTS} tenants, ${seconds} s: commands/s`,
          unit: 'cmd/s',
          better: 'higher',
          peerLabel: 'raw fastify + one INSERT in PostgreSQL (bench/src/peers/raw-fastify.ts)',
        },
        results,
      );
      rows.push({ ...items, note: opsNote('command-path-items', items, 'command') });
      const rate = items.ours ?? 0;
      if (isSelected('command-path-paced') && rate > 0) {
        const target = Math.max(1, Math.round(rate * 0.7));
        progress(
          `command path: items paced at ${target}/s (70 % of ${Math.round(rate)}/s), ${config.reps} x ${seconds / 2} s`,
        );
        const paced: Trial[] = [];
        for (let rep = 0; rep < config.reps; rep += 1) {
          paced.push(
            await openLoop(stats, ours, target, (seconds / 2) * 1_000, (c) => oursSlots.addItem(agent, c)),
          );
        }
        const row = toRow(
          {
            id: 'command-path-paced',
            scenario: `POST /v1/orders/{id}/items paced at 70 % of the rate above (${target}/s): p99 latency`,
            unit: 'ms',
            better: 'lower',
            peerLabel: '-',
          },
          { ours: paced },
        );
        rows.push({ ...row, note: opsNote('command-path-paced', row, 'command') });
      }
      if (isSelected('command-path-visible')) {
        rows.push({
          id: 'command-path-visible',
          scenario: `Command answered -> visible in the read model (X-Consistency-Token read), under the items load: p99`,
          unit: 'ms',
          better: 'lower',
          ours: percentile(visible, 99),
          peer: null,
          peerLabel: '-',
          ratio: null,
          note: `command-path-visible: ${visible.length} probes, p50 ${percentile(visible, 50).toFixed(1)} ms, p99 ${percentile(visible, 99).toFixed(1)} ms (the query service polls its seen positions every 20 ms)`,
        });
      }
    }

    if (isSelected('command-path-reads')) {
      const oursOrders = await readableOrders(agent, ours, READ_TENANTS, READ_ORDERS_PER_TENANT);
      const peerOrders = await readableOrders(agent, peer, READ_TENANTS, READ_ORDERS_PER_TENANT);
      progress(
        `command path: reads over ${READ_TENANTS} tenants, ${settings.clients} clients, ${config.reps} x ${seconds / 2} s per side`,
      );
      const reads = await alternate(
        config,
        [
          { side: 'ours', subject: { side: ours, orders: oursOrders } },
          { side: 'peer', subject: { side: peer, orders: peerOrders } },
        ],
        ({ side, orders }, warmup) =>
          closedLoop(
            stats,
            side,
            settings.clients,
            (warmup ? Math.min(5, seconds) : seconds / 2) * 1_000,
            (c) => readOne(agent, side, orders, c),
          ),
      );
      const row = toRow(
        {
          id: 'command-path-reads-16t',
          scenario: `GET /v1/orders/{id}, ${settings.clients} clients over ${READ_TENANTS} tenants: reads/s`,
          unit: 'reads/s',
          better: 'higher',
          peerLabel: 'raw fastify + one SELECT in PostgreSQL',
        },
        reads,
      );
      rows.push({ ...row, note: opsNote('command-path-reads-16t', row, 'read') });
      progress(
        `command path: one enterprise tenant paced at ${SINGLE_TENANT_RATE} reads/s, ${config.reps} x ${seconds / 2} s`,
      );
      const single: Trial[] = [];
      await sleep(2_500); // a fresh rate-limit window: what the 16-tenant load spent does not count
      const oneTenant = oursOrders.filter((order) => order.tenant === 0);
      for (let rep = 0; rep < config.reps; rep += 1) {
        single.push(
          await openLoop(stats, ours, SINGLE_TENANT_RATE, (seconds / 2) * 1_000, (c) =>
            readOne(agent, ours, oneTenant, c),
          ),
        );
      }
      const singleRow = toRow(
        {
          id: 'command-path-reads-1t',
          scenario: `GET /v1/orders/{id}, one enterprise tenant at its plan's ${SINGLE_TENANT_RATE}/s: p99 latency`,
          unit: 'ms',
          better: 'lower',
          peerLabel: '-',
        },
        { ours: single },
      );
      rows.push({ ...singleRow, note: opsNote('command-path-reads-1t', singleRow, 'read') });
    }

    if (isSelected('command-path-idle')) {
      progress('command path: idle platform, 10 s to settle then 20 s measured');
      await sleep(10_000);
      const before = cpuSnapshot(platformProcesses);
      const started = now();
      await sleep(20_000);
      const elapsed = now() - started;
      const spent = [...cpuSpent(before, cpuSnapshot(platformProcesses))];
      const services = spent.filter(([group]) => group.startsWith('bench-'));
      const share = (ms: number): number => (100 * ms) / elapsed;
      const total = services.reduce((sum, [, ms]) => sum + share(ms), 0);
      const describe = (list: typeof spent): string =>
        list
          .sort((a, b) => b[1] - a[1])
          .map(([group, ms]) => `${group} ${share(ms).toFixed(2)} %`)
          .join(', ');
      rows.push({
        id: 'command-path-idle',
        scenario: 'Idle platform, no traffic: the six services together, % of one core',
        unit: '% of a core',
        better: 'lower',
        ours: total,
        peer: null,
        peerLabel: '-',
        ratio: null,
        note: `command-path-idle: ${describe(services)}; besides them: ${describe(spent.filter(([group]) => !group.startsWith('bench-')))}`,
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

interface Slot {
  readonly tenant: number;
  orderId: string;
  lines: number;
  /** A new order is being made for this slot: other clients take the next slot meanwhile. */
  replacing: boolean;
}

/**
 * The orders the load adds items to, spread round-robin over the tenants. An order nearing its
 * line limit is replaced by a new one (a `POST /v1/orders`, counted as a command like the others).
 */
class OrderSlots {
  private next = 0;

  private constructor(
    private readonly side: Side,
    private readonly slots: Slot[],
  ) {}

  static async create(agent: Agent, side: Side, orders: number, tenants: number): Promise<OrderSlots> {
    const slots: Slot[] = [];
    for (let i = 0; i < orders; i += 8) {
      const batch = Array.from({ length: Math.min(8, orders - i) }, async (_, j) => {
        const tenant = (i + j) % tenants;
        return { tenant, orderId: await createOrder(agent, side, tenant), lines: 0, replacing: false };
      });
      slots.push(...(await Promise.all(batch)));
    }
    return new OrderSlots(side, slots);
  }

  async addItem(agent: Agent, client: number): Promise<void> {
    let slot = this.slots[this.next++ % this.slots.length]!;
    // every slot taken by a replacement (an open-loop backlog): wait for one, do not spin
    for (let tries = 1; slot.replacing; tries += 1) {
      if (tries % this.slots.length === 0) await sleep(5);
      slot = this.slots[this.next++ % this.slots.length]!;
    }
    if (slot.lines >= LINES_PER_ORDER) {
      slot.replacing = true;
      try {
        slot.orderId = await createOrder(agent, this.side, slot.tenant);
        slot.lines = 0;
      } finally {
        slot.replacing = false;
      }
      return;
    }
    slot.lines += 1;
    await addItem(agent, this.side, slot.tenant, slot.orderId, client);
  }
}

async function createOrder(agent: Agent, side: Side, tenant: number): Promise<string> {
  const response = await request(`${side.base}/v1/orders`, {
    dispatcher: agent,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...side.headers(tenant) },
    body: JSON.stringify({ customerId: `cust-${tenant}` }),
  });
  const text = await response.body.text();
  if (response.statusCode !== 201) throw new Error(`POST /v1/orders: ${response.statusCode} ${text}`);
  return (JSON.parse(text) as { orderId: string }).orderId;
}

async function untilAccepted(agent: Agent, side: Side, tenant: number): Promise<void> {
  for (const deadline = now() + 30_000; ; await sleep(100)) {
    try {
      await createOrder(agent, side, tenant);
      return;
    } catch (error) {
      if (now() > deadline) throw error;
    }
  }
}

async function addItem(
  agent: Agent,
  side: Side,
  tenant: number,
  orderId: string,
  client: number,
): Promise<{ version: number; position: number }> {
  const response = await request(`${side.base}/v1/orders/${orderId}/items`, {
    dispatcher: agent,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...side.headers(tenant) },
    body: JSON.stringify({
      sku: `SKU-${client % 50}`,
      quantity: 1 + (client % 3),
      unitPrice: { amount: '9.99', currency: 'EUR' },
    }),
  });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`POST items: ${response.statusCode} ${text}`);
  return JSON.parse(text) as { version: number; position: number };
}

interface ReadableOrder {
  readonly tenant: number;
  readonly orderId: string;
}

/** `perTenant` orders of each tenant, each with one item on our side, visible before the reads start. */
async function readableOrders(
  agent: Agent,
  side: Side,
  tenants: number,
  perTenant: number,
): Promise<ReadableOrder[]> {
  const orders: ReadableOrder[] = [];
  for (let tenant = 0; tenant < tenants; tenant += 1) {
    const made = await Promise.all(
      Array.from({ length: perTenant }, async () => {
        const orderId = await createOrder(agent, side, tenant);
        return { tenant, orderId };
      }),
    );
    orders.push(...made);
  }
  for (const order of orders) {
    for (const deadline = now() + 30_000; ; await sleep(50)) {
      const response = await request(`${side.base}/v1/orders/${order.orderId}`, {
        dispatcher: agent,
        headers: side.headers(order.tenant),
      });
      await response.body.text();
      if (response.statusCode === 200) break;
      if (now() > deadline) throw new Error(`order ${order.orderId} not readable within 30 s`);
    }
  }
  return orders;
}

async function readOne(
  agent: Agent,
  side: Side,
  orders: readonly ReadableOrder[],
  client: number,
): Promise<void> {
  const order = orders[Math.floor(Math.random() * orders.length)] ?? orders[client % orders.length]!;
  const response = await request(`${side.base}/v1/orders/${order.orderId}`, {
    dispatcher: agent,
    headers: side.headers(order.tenant),
  });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`GET order: ${response.statusCode} ${text}`);
}

/**
 * One client of tenant 0 during the load, ten times a second: adds an item to an order of its own,
 * then reads it with the answer's position as `X-Consistency-Token`; the time from the command's
 * answer to the read's answer is how long the change took to become visible (plus one read).
 */
async function visibilityProbe(agent: Agent, side: Side, ms: number, out: number[]): Promise<void> {
  const deadline = now() + ms;
  let orderId = await createOrder(agent, side, 0);
  let lines = 0;
  while (now() < deadline) {
    if (lines >= LINES_PER_ORDER) {
      orderId = await createOrder(agent, side, 0);
      lines = 0;
    }
    lines += 1;
    const { position } = await addItem(agent, side, 0, orderId, 0);
    const answered = now();
    const response = await request(`${side.base}/v1/orders/${orderId}`, {
      dispatcher: agent,
      headers: { ...side.headers(0), 'x-consistency-token': String(position) },
    });
    await response.body.text();
    if (response.statusCode !== 200) throw new Error(`consistent read: ${response.statusCode}`);
    out.push(now() - answered);
    await sleep(100);
  }
}

/** Figures common to every load: CPU ms per operation by process, PostgreSQL transactions per operation. */
async function measured(
  stats: Pool,
  side: Side,
  run: () => Promise<number[]>,
): Promise<{ latencies: number[]; seconds: number; extra: Record<string, number> }> {
  const cpuBefore = cpuSnapshot(side.processes);
  const xactsBefore = await committed(stats);
  const started = now();
  const latencies = await run();
  const seconds = (now() - started) / 1_000;
  await sleep(600); // pg_stat_database is updated when a session reports
  const xacts = (await committed(stats)) - xactsBefore;
  const ops = Math.max(1, latencies.length);
  const cpu = Object.fromEntries(
    [...cpuSpent(cpuBefore, cpuSnapshot(side.processes))].map(([group, ms]) => [
      `cpuMsPerOp ${group}`,
      ms / ops,
    ]),
  );
  return {
    latencies,
    seconds,
    extra: {
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      operations: latencies.length,
      pgTransactionsPerOp: xacts / ops,
      ...cpu,
    },
  };
}

/** `clients` loops, each sending its next operation when the last is answered, for `ms`; ops/s. */
async function closedLoop(
  stats: Pool,
  side: Side,
  clients: number,
  ms: number,
  op: Operation,
): Promise<Trial> {
  const { latencies, seconds, extra } = await measured(stats, side, async () => {
    const latencies: number[] = [];
    const deadline = now() + ms;
    const client = async (c: number): Promise<void> => {
      while (now() < deadline) {
        const sent = now();
        await op(c);
        latencies.push(now() - sent);
      }
    };
    await Promise.all(Array.from({ length: clients }, (_, c) => client(c)));
    return latencies;
  });
  return { value: latencies.length / seconds, extra };
}

/**
 * Operations started at a fixed `rate` for `ms`, whether or not earlier ones were answered; each
 * latency counts from when its operation was due (no coordinated omission). The value is the p99.
 */
async function openLoop(stats: Pool, side: Side, rate: number, ms: number, op: Operation): Promise<Trial> {
  const failures: string[] = [];
  const { extra, latencies, seconds } = await measured(stats, side, async () => {
    const latencies: number[] = [];
    const started = now();
    const total = Math.floor((rate * ms) / 1_000);
    const inFlight = new Set<Promise<void>>();
    for (let k = 0; k < total; k += 1) {
      const due = started + (k * 1_000) / rate;
      const wait = due - now();
      if (wait > 1) await sleep(wait);
      const running = op(k).then(
        () => {
          latencies.push(now() - due);
        },
        (error: unknown) => {
          failures.push(error instanceof Error ? error.message : String(error));
        },
      );
      inFlight.add(running);
      void running.then(() => inFlight.delete(running));
    }
    await Promise.all(inFlight);
    return latencies;
  });
  return {
    value: extra['p99Ms'] ?? Number.NaN,
    extra: { ...extra, achievedPerSecond: latencies.length / seconds },
  };
}

/** "p50 … p99 …; PostgreSQL transactions per command …; CPU ms per command …". */
/** The command service's group-commit histogram: commands per transaction (ADR 0018). */
const GROUP_METRIC = 'command_group_commit_size';

/**
 * `<name>_sum` and `<name>_count` of a Prometheus histogram on `/metrics` of a service's management
 * URL (0 when absent).
 */
async function histogramOf(
  agent: Agent,
  service: string,
  name: string,
): Promise<{ sum: number; count: number }> {
  const response = await request(`${service}/metrics`, { dispatcher: agent });
  const text = await response.body.text();
  const value = (suffix: string): number => {
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`${name}_${suffix} `) || l.startsWith(`${name}_${suffix}{`));
    return Number(line?.split(' ').at(-1) ?? 0);
  };
  return { sum: value('sum'), count: value('count') };
}

function opsNote(id: string, row: Row, op: string): string {
  const side = (key: string): string => {
    const value = row.extra?.ours[key];
    return value === undefined ? '-' : value.toFixed(value < 10 ? 2 : 1);
  };
  const failed = row.extra?.ours['failed'];
  const refused = failed === undefined || failed === 0 ? '' : `, ${failed} failed (e.g. 429)`;
  const grouped = row.extra?.ours['commandsPerTransaction'];
  const groups =
    grouped === undefined ? '' : `; ${grouped.toFixed(1)} commands per command-service transaction`;
  return `${id}: p50 ${side('p50Ms')} ms, p99 ${side('p99Ms')} ms${refused}${groups}; PostgreSQL transactions per ${op} ${side('pgTransactionsPerOp')}; CPU ms per ${op}: ${cpuNote(row, 'cpuMsPerOp ')}`;
}
