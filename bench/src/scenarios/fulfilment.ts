import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { Pool } from 'pg';
import { Agent, request } from 'undici';
import { deleteTopicsWithPrefix, startPlatform, type RunningService } from '@platform/testing';
import type { BenchConfig } from '../config';
import { cpuSnapshot, cpuSpent } from '../cpu';
import { progress, type Row, type Trial, toRow } from '../harness';
import { activeTenant, byPid, committed, cpuNote } from '../platform-target';
import { now, percentile, sleep } from '../stats';

// Orders fulfilled end to end (issue 10): `POST /v1/orders/{id}/confirm` with `tok_visa` through
// the whole platform, until the saga has reserved the stock, taken the payment and shipped the
// order. Clients keep one order each in flight: create it, add a line, confirm, and wait for its
// `OrderShipped` on `orders.events` (a Kafka consumer of the bench's own, so no polling adds load).
// After the trials, each order's history gives the time of every saga step, from the events' own
// times (the command service's clock).

/** Away from the e2e specs' ports and below the ephemeral range (32768+): no clash with a client socket. */
const BASE_PORT = 14_080;
const TENANTS = 4;
/** Stock of each tenant's product: never the limit. */
const STOCK = 1_000_000;

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
  return {
    seconds: number('BENCH_FULFILMENT_SECONDS', 20),
    clients: number('BENCH_FULFILMENT_CLIENTS', 16),
  };
}

/** A tenant the load runs in: its id, a member's token, its product. */
interface Tenant {
  readonly id: string;
  readonly authorization: string;
  readonly sku: string;
}

/** Waiters for an order's end, resolved by the consumer of `orders.events`. */
class OrderEnds {
  private readonly waiting = new Map<string, (end: { type: string; at: number }) => void>();
  private readonly early = new Map<string, { type: string; at: number }>();

  ended(orderId: string, type: string): void {
    const end = { type, at: now() };
    const resolve = this.waiting.get(orderId);
    if (resolve) {
      this.waiting.delete(orderId);
      resolve(end);
    } else this.early.set(orderId, end);
  }

  next(orderId: string, timeoutMs: number): Promise<{ type: string; at: number }> {
    const early = this.early.get(orderId);
    if (early) {
      this.early.delete(orderId);
      return Promise.resolve(early);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(orderId);
        reject(new Error(`order ${orderId} neither shipped nor cancelled within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(orderId, (end) => {
        clearTimeout(timer);
        resolve(end);
      });
    });
  }
}

/** One fulfilled order: the client's view and the events' times. */
interface Fulfilled {
  readonly tenant: Tenant;
  readonly orderId: string;
  /** From sending the confirm to seeing `OrderShipped` on Kafka, ms. */
  readonly clientMs: number;
}

export async function fulfilmentScenarios(
  config: BenchConfig,
  isSelected: (id: string) => boolean,
): Promise<Row[]> {
  if (!isSelected('fulfilment')) return [];
  const settings = settingsFromEnv();
  const suffix = config.runId.replace(/[^a-z0-9]/g, '');
  const topicPrefix = `bench-${suffix}.`;
  const agent = new Agent({ connections: 64, pipelining: 1 });
  const stats = new Pool({ connectionString: config.databaseUrl, max: 1 });
  const services: RunningService[] = [];
  let consumer: Consumer | undefined;
  try {
    progress('fulfilment: starting the platform (6 services)');
    const platform = await startPlatform(BASE_PORT, {
      name: 'bench',
      extraEnv: { KAFKA_TOPIC_PREFIX: topicPrefix, LOG_LEVEL: 'warn' },
    });
    services.push(...platform.services);
    const gateway = platform.gateways[0]?.url ?? '';
    const { sign } = platform;
    const admin = `Bearer ${sign({ sub: 'bench-admin', roles: ['platform-admin'], tenants: [] })}`;
    const tenants: Tenant[] = [];
    for (let i = 0; i < TENANTS; i += 1) {
      const id = await activeTenant(agent, gateway, admin, `bench-${suffix}-f${i}`);
      const authorization = `Bearer ${sign({ sub: 'bench', roles: ['member'], tenants: [id] })}`;
      const tenant = { id, authorization, sku: `BENCH-${i}` };
      await untilAnswered(agent, gateway, tenant, 'POST', '/v1/products', 201, {
        sku: tenant.sku,
        name: 'bench',
        stock: STOCK,
      });
      tenants.push(tenant);
    }

    const ends = new OrderEnds();
    const kafka = new Kafka({
      clientId: `bench-fulfilment-${suffix}`,
      brokers: config.brokers,
      logLevel: logLevel.ERROR,
    });
    consumer = kafka.consumer({ groupId: `bench-fulfilment-${suffix}`, maxWaitTimeInMs: 20 });
    await consumer.connect();
    await consumer.subscribe({ topics: [`${topicPrefix}orders.events`], fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 6,
      eachMessage: async ({ message }) => {
        const type = message.headers?.['ce_type']?.toString();
        if (type === 'orders.OrderShipped' || type === 'orders.OrderCancelled') {
          ends.ended(message.key?.toString() ?? '', type);
        }
      },
    });

    const processes = byPid(services);
    const run = (ms: number) => drive(agent, stats, gateway, tenants, ends, processes, settings.clients, ms);
    progress(`fulfilment: warm-up, then ${config.reps} x ${settings.seconds} s, ${settings.clients} clients`);
    await run(Math.min(5_000, settings.seconds * 1_000));
    const trials: { trial: Trial; orders: Fulfilled[] }[] = [];
    for (let rep = 0; rep < config.reps; rep += 1) {
      trials.push(await run(settings.seconds * 1_000));
      await sleep(500);
    }

    progress('fulfilment: reading the histories of the trials` orders');
    const steps = await stepTimes(
      agent,
      gateway,
      trials.flatMap((t) => t.orders),
    );
    const rate = toRow(
      {
        id: 'fulfilment-rate',
        scenario: `Orders fulfilled end to end (confirm tok_visa -> shipped), ${settings.clients} clients with one order each in flight, ${TENANTS} tenants: orders/s`,
        unit: 'orders/s',
        better: 'higher',
        peerLabel: '-',
      },
      { ours: trials.map((t) => t.trial) },
    );
    const flow = steps.get('confirmed -> shipped') ?? [];
    const stepNote = [...steps]
      .map(
        ([step, ms]) =>
          `${step} p50 ${percentile(ms, 50).toFixed(1)} / p99 ${percentile(ms, 99).toFixed(1)} ms`,
      )
      .join('; ');
    return [
      {
        ...rate,
        note: `fulfilment-rate: client p50 ${fixed(rate.extra?.ours['p50Ms'])} / p99 ${fixed(rate.extra?.ours['p99Ms'])} ms from the confirm to OrderShipped on Kafka; PostgreSQL transactions per order ${fixed(rate.extra?.ours['pgTransactionsPerOrder'])}; CPU ms per order (medians): ${cpuNote(rate, 'cpuMsPerOrder ')}`,
      },
      {
        id: 'fulfilment-flow',
        scenario: 'The same orders, OrderConfirmed -> OrderShipped from the events` times: p99',
        unit: 'ms',
        better: 'lower',
        ours: percentile(flow, 99),
        peer: null,
        peerLabel: '-',
        ratio: null,
        note: `fulfilment-flow: ${flow.length} orders; ${stepNote}`,
      },
    ];
  } finally {
    await consumer?.disconnect().catch(() => undefined);
    await agent.close();
    await stats.end();
    await Promise.all(services.map((service) => service.stop()));
    if (!config.keep) await deleteTopicsWithPrefix(topicPrefix, config.brokers).catch(() => undefined);
  }
}

const fixed = (value: number | undefined): string => (value ?? Number.NaN).toFixed(1);

/**
 * `clients` loops for `ms`, each with one order in flight: create, add a line, confirm with
 * `tok_visa`, wait for its end. Orders shipped per second as the value; client latency, CPU and
 * PostgreSQL transactions per order as extras.
 */
async function drive(
  agent: Agent,
  stats: Pool,
  gateway: string,
  tenants: readonly Tenant[],
  ends: OrderEnds,
  processes: ReadonlyMap<number, string>,
  clients: number,
  ms: number,
): Promise<{ trial: Trial; orders: Fulfilled[] }> {
  const orders: Fulfilled[] = [];
  const started = now();
  const deadline = started + ms;
  const client = async (c: number): Promise<void> => {
    for (let n = 0; now() < deadline; n += 1) {
      const tenant = tenants[(c + n) % tenants.length]!;
      const created = await call(agent, gateway, tenant, 'POST', '/v1/orders', 201, { customerId: `c-${c}` });
      const orderId = String(created['orderId']);
      await call(agent, gateway, tenant, 'POST', `/v1/orders/${orderId}/items`, 200, {
        sku: tenant.sku,
        quantity: 1,
        unitPrice: { amount: '9.99', currency: 'EUR' },
      });
      const sent = now();
      await call(agent, gateway, tenant, 'POST', `/v1/orders/${orderId}/confirm`, 202, {
        paymentToken: 'tok_visa',
      });
      const end = await ends.next(orderId, 120_000);
      if (end.type !== 'orders.OrderShipped') throw new Error(`order ${orderId} ended with ${end.type}`);
      orders.push({ tenant, orderId, clientMs: end.at - sent });
    }
  };
  const cpuBefore = cpuSnapshot(processes);
  const xactsBefore = await committed(stats);
  await Promise.all(Array.from({ length: clients }, (_, c) => client(c)));
  const seconds = (now() - started) / 1_000;
  await sleep(600);
  const xacts = (await committed(stats)) - xactsBefore;
  const count = Math.max(1, orders.length);
  const cpu = Object.fromEntries(
    [...cpuSpent(cpuBefore, cpuSnapshot(processes))].map(([group, spent]) => [
      `cpuMsPerOrder ${group}`,
      spent / count,
    ]),
  );
  const latencies = orders.map((o) => o.clientMs);
  return {
    trial: {
      value: orders.length / seconds,
      extra: {
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        orders: orders.length,
        pgTransactionsPerOrder: xacts / count,
        ...cpu,
      },
    },
    orders,
  };
}

/** The saga's steps, from one order status event to the next. */
const STEPS = [
  ['confirmed -> reserved', 'OrderConfirmed', 'OrderReserved'],
  ['reserved -> paid', 'OrderReserved', 'OrderPaid'],
  ['paid -> shipped', 'OrderPaid', 'OrderShipped'],
  ['confirmed -> shipped', 'OrderConfirmed', 'OrderShipped'],
] as const;

/** Each step's durations over `orders`, from `GET /v1/orders/{id}/history` (the events' times). */
async function stepTimes(
  agent: Agent,
  gateway: string,
  orders: readonly Fulfilled[],
): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>(STEPS.map(([step]) => [step, []]));
  for (let i = 0; i < orders.length; i += 16) {
    await Promise.all(
      orders.slice(i, i + 16).map(async ({ tenant, orderId }) => {
        const body = await call(agent, gateway, tenant, 'GET', `/v1/orders/${orderId}/history`, 200);
        const events = body['events'] as { type: string; time: string }[];
        const at = (type: string) => Date.parse(events.find((e) => e.type === type)?.time ?? '');
        for (const [step, from, to] of STEPS) out.get(step)?.push(at(to) - at(from));
      }),
    );
  }
  return out;
}

async function call(
  agent: Agent,
  gateway: string,
  tenant: Tenant,
  method: 'GET' | 'POST',
  path: string,
  expected: number,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const response = await request(`${gateway}${path}`, {
    dispatcher: agent,
    method,
    headers: {
      authorization: tenant.authorization,
      'x-tenant-id': tenant.id,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.body.text();
  if (response.statusCode !== expected) throw new Error(`${method} ${path}: ${response.statusCode} ${text}`);
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

/** Repeats a request until it answers `expected` (a new tenant is served a moment after it is active). */
async function untilAnswered(
  agent: Agent,
  gateway: string,
  tenant: Tenant,
  method: 'POST',
  path: string,
  expected: number,
  body: unknown,
): Promise<void> {
  let last: unknown;
  for (const deadline = now() + 30_000; now() < deadline; await sleep(100)) {
    try {
      await call(agent, gateway, tenant, method, path, expected, body);
      return;
    } catch (error) {
      last = error;
    }
  }
  throw new Error(`${method} ${path} not answered ${expected} within 30 s: ${String(last)}`);
}
