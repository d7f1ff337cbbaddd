import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { Pool } from 'pg';

// The peer of the HTTP command scenario, run as a process of its own like each platform service:
// the least a durable HTTP write does on this machine. Each write route checks the body and
// inserts one row into PostgreSQL (one statement, autocommit); the read route is one select by
// primary key. No auth, no Kafka, no event store, no audit: what the platform's path is compared with.
//   env: PORT, DATABASE_URL, BENCH_SCHEMA, BENCH_POOL_SIZE

const port = Number(process.env['PORT'] ?? '0');
const schema = process.env['BENCH_SCHEMA'] ?? 'bench_http';
if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad BENCH_SCHEMA ${schema}`);
const pool = new Pool({
  connectionString: process.env['DATABASE_URL'],
  max: Number(process.env['BENCH_POOL_SIZE'] ?? '10'),
});

async function main(): Promise<void> {
  await pool.query(`create schema if not exists "${schema}"`);
  await pool.query(
    `create table if not exists "${schema}".orders (
       order_id uuid primary key, tenant_id uuid not null, customer_id text not null,
       created_at timestamptz not null default now())`,
  );
  await pool.query(
    `create table if not exists "${schema}".order_items (
       item_id bigserial primary key, order_id uuid not null, tenant_id uuid not null, sku text not null,
       quantity int not null, amount numeric not null, currency text not null,
       created_at timestamptz not null default now())`,
  );
  const app = Fastify({ logger: false });
  app.post('/v1/orders/:id/items', async (request, reply) => {
    const { id } = request.params as { id: string };
    const body = request.body as {
      sku?: unknown;
      quantity?: unknown;
      unitPrice?: { amount?: unknown; currency?: unknown };
    } | null;
    const tenantId = request.headers['x-tenant-id'];
    if (
      typeof body?.sku !== 'string' ||
      typeof body.quantity !== 'number' ||
      typeof body.unitPrice?.amount !== 'string' ||
      typeof body.unitPrice.currency !== 'string' ||
      typeof tenantId !== 'string'
    ) {
      return reply.status(400).send({ title: 'bad request' });
    }
    const { rows } = await pool.query<{ item_id: string }>(
      `insert into "${schema}".order_items (order_id, tenant_id, sku, quantity, amount, currency)
       values ($1, $2, $3, $4, $5, $6) returning item_id`,
      [id, tenantId, body.sku, body.quantity, body.unitPrice.amount, body.unitPrice.currency],
    );
    return reply.status(200).send({ version: Number(rows[0]?.item_id ?? 0), position: 0 });
  });
  app.get('/v1/orders/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const tenantId = request.headers['x-tenant-id'];
    const { rows } = await pool.query(
      `select order_id, tenant_id, customer_id, created_at from "${schema}".orders
        where order_id = $1 and tenant_id = $2`,
      [id, tenantId],
    );
    if (rows.length === 0) return reply.status(404).send({ title: 'not found' });
    return reply.status(200).send(rows[0]);
  });
  app.post('/v1/orders', async (request, reply) => {
    const body = request.body as { customerId?: unknown } | null;
    const tenantId = request.headers['x-tenant-id'];
    if (typeof body?.customerId !== 'string' || typeof tenantId !== 'string') {
      return reply.status(400).send({ title: 'bad request' });
    }
    const orderId = randomUUID();
    await pool.query(
      `insert into "${schema}".orders (order_id, tenant_id, customer_id) values ($1, $2, $3)`,
      [orderId, tenantId, body.customerId],
    );
    return reply.status(201).send({ orderId, version: 1 });
  });
  app.get('/health/ready', async () => ({ status: 'ok' }));
  const close = (): void => {
    void app
      .close()
      .then(() => pool.end())
      .then(() => process.exit(0));
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
  await app.listen({ port, host: '127.0.0.1' });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
