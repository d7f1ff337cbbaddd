// Measures the order projection's two write paths on the local PostgreSQL (not a test: numbers to
// read, ADR 0015). 10,000 events over 200 orders of 4 tenants, in Kafka-like batches of 500:
//   one-by-one: per event OrderViewStore.apply + SeenPositions.record, 32 keys at once (per-message mode)
//   batch:      per batch and tenant OrderViewStore.applyBatch, the tenants at once (batch mode)
// Reports wall time, this process's CPU, the CPU of its PostgreSQL backends (from /proc), statements
// and transactions. Usage: node scripts/build.mjs && node scripts/measure-projection-batches.mjs [shared|schema]...
// (env BATCH_SIZE: events per Kafka batch, default 500; PATHS=batch: only the batch path)
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { DataSource } = require('typeorm');
const { PostgresQueryRunner } = require('typeorm/driver/postgres/PostgresQueryRunner');
const readModels = require('../dist/libs/read-models/src/index.js');

const url = process.env.DATABASE_URL ?? 'postgres://platform:platform@127.0.0.1:5432/platform';
const TENANTS = 4;
const ORDERS = 200;
const EVENTS_PER_ORDER = 50;
const BATCH = Number(process.env.BATCH_SIZE ?? 500);
const PATHS = (process.env.PATHS ?? 'one-by-one,batch').split(',');
const modes = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['shared', 'schema'];

let statements = 0;
let transactions = 0;
const query = PostgresQueryRunner.prototype.query;
PostgresQueryRunner.prototype.query = function counted(sql, ...rest) {
  statements++;
  if (sql === 'START TRANSACTION') transactions++;
  return query.call(this, sql, ...rest);
};

/** 10,000 events, each order's in version order, orders interleaved as partitions interleave them. */
function history(tenants) {
  const orders = Array.from({ length: ORDERS }, (_, i) => ({
    tenantId: tenants[i % TENANTS],
    id: randomUUID(),
  }));
  const events = [];
  let position = 1;
  for (let version = 1; version <= EVENTS_PER_ORDER; version++) {
    for (const order of orders) {
      const event =
        version === 1
          ? { type: 'OrderCreated', data: { orderId: order.id, customerId: 'c-1' } }
          : {
              type: 'OrderItemAdded',
              data: {
                orderId: order.id,
                sku: `SKU-${version}`,
                quantity: 1,
                unitPrice: { amount: '1.25', currency: 'EUR' },
              },
            };
      events.push({
        tenantId: order.tenantId,
        key: order.id,
        eventId: randomUUID(),
        event,
        occurredAt: new Date(Date.UTC(2026, 10, 22, 10, 0, version)).toISOString(),
        version,
        position: position++,
      });
    }
  }
  return events;
}

async function forEachLimited(items, limit, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

function groupBy(items, keyOf) {
  const groups = new Map();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

async function oneByOne(store, positions, batch) {
  await forEachLimited([...groupBy(batch, (e) => e.key).values()], 32, async (group) => {
    for (const e of group) {
      await store.apply(e.tenantId, e.eventId, e.event, {
        occurredAt: e.occurredAt,
        version: e.version,
        position: e.position,
      });
      await positions.record(e.tenantId, e.position);
    }
  });
}

async function batched(store, _positions, batch) {
  await Promise.all(
    [...groupBy(batch, (e) => e.tenantId)].map(([tenantId, events]) => store.applyBatch(tenantId, events)),
  );
}

/** utime + stime of the backends serving `applicationName`, in ms. */
async function backendCpuMs(main, applicationName) {
  const rows = await main.query('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [
    applicationName,
  ]);
  const ticksPerSecond = 100;
  let ticks = 0;
  for (const { pid } of rows) {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1_000) / ticksPerSecond;
}

async function run(mode, name, apply) {
  const applicationName = `measure-${name}-${process.pid}`;
  const main = new DataSource({
    type: 'postgres',
    url,
    entities: readModels.readModelEntities,
    extra: { max: 10 },
    applicationName,
  });
  await main.initialize();
  const sources = new readModels.TenantDataSources(main, url);
  const positions = new readModels.SeenPositions(main);
  await positions.migrate();
  const tenants = Array.from({ length: TENANTS }, () => randomUUID());
  for (const tenant of tenants) await readModels.provisionTenantStorage(url, tenant, mode);
  const store = new readModels.OrderViewStore(sources, () => mode, positions);
  const events = history(tenants);
  try {
    statements = 0;
    transactions = 0;
    const cpuBefore = process.cpuUsage();
    const pgBefore = await backendCpuMs(main, applicationName);
    const [startStatements, startTransactions] = [statements, transactions];
    const started = performance.now();
    for (let i = 0; i < events.length; i += BATCH) await apply(store, positions, events.slice(i, i + BATCH));
    const wallMs = performance.now() - started;
    const [ranStatements, ranTransactions] = [statements - startStatements, transactions - startTransactions];
    const cpu = process.cpuUsage(cpuBefore);
    const pgMs = (await backendCpuMs(main, applicationName)) - pgBefore;
    const sample = events[events.length - 1];
    const row = await store.findOrder(sample.tenantId, sample.key);
    if (row?.version !== EVENTS_PER_ORDER || row.itemCount !== EVENTS_PER_ORDER - 1)
      throw new Error(`wrong row: ${JSON.stringify(row)}`);
    const nodeMs = (cpu.user + cpu.system) / 1_000;
    const per = (n) => (n / events.length).toFixed(3);
    console.log(
      [
        `${mode.padEnd(6)} ${name.padEnd(10)}`,
        `wall ${wallMs.toFixed(0)} ms (${((events.length / wallMs) * 1_000).toFixed(0)} events/s)`,
        `node cpu ${nodeMs.toFixed(0)} ms (${per(nodeMs)} ms/event)`,
        `pg cpu ${pgMs.toFixed(0)} ms (${per(pgMs)} ms/event)`,
        `statements ${ranStatements} (${per(ranStatements)}/event)`,
        `transactions ${ranTransactions}`,
      ].join(' | '),
    );
  } finally {
    await sources.close();
    for (const tenant of tenants) await readModels.deprovisionTenantStorage(url, tenant, mode);
  }
}

for (const mode of modes) {
  if (PATHS.includes('one-by-one')) await run(mode, 'one-by-one', oneByOne);
  if (PATHS.includes('batch')) await run(mode, 'batch', batched);
}
