import { randomUUID } from 'node:crypto';
import { WebhookSubscriptions } from '../subscriptions/webhook-subscriptions';
import { type TestDatabase, createTestDatabase } from '../testing/postgres-test-schema';
import type { WebhookEvent } from '../webhook.types';
import { WebhookQueue } from './webhook-queue';

const event = (type: string, id: string = randomUUID()): WebhookEvent => ({
  id,
  type,
  data: { note: 'é ✓' },
  occurredAt: '2026-03-01T10:00:00.000Z',
});

describe('WebhookQueue on PostgreSQL', () => {
  let db: TestDatabase;
  let subscriptions: WebhookSubscriptions;
  let queue: WebhookQueue;
  const url = 'https://receiver.example.com/hooks';

  beforeAll(async () => {
    db = await createTestDatabase();
    subscriptions = new WebhookSubscriptions({ pool: db.pool, schema: db.schema });
    queue = new WebhookQueue({ pool: db.pool, schema: db.schema });
  });
  afterAll(() => db.drop());

  const sequencesOf = async (tenantId: string, subscriptionId: string) =>
    (await queue.listDeliveries(tenantId, { subscriptionId, limit: 1000 }))
      .map((d) => d.sequence)
      .sort((a, b) => a - b);

  it('creates one pending delivery per active subscription that wants the type', async () => {
    const tenant = randomUUID();
    const all = await subscriptions.create(tenant, { url, events: ['*'] });
    const suspended = await subscriptions.create(tenant, { url, events: ['tenant.suspended'] });
    await subscriptions.create(tenant, { url, events: ['tenant.resumed'] });
    const deleted = await subscriptions.create(tenant, { url, events: ['*'] });
    await subscriptions.delete(tenant, deleted.id);
    const suspendedEvent = event('tenant.suspended');

    const enqueued = await queue.enqueue(tenant, suspendedEvent);

    expect(enqueued.map((d) => d.subscriptionId).sort()).toEqual([all.id, suspended.id].sort());
    expect(enqueued.map((d) => d.sequence)).toEqual([1, 1]);
    const delivery = await queue.getDelivery(tenant, enqueued[0]?.deliveryId ?? '');
    expect(delivery).toMatchObject({
      tenantId: tenant,
      eventId: suspendedEvent.id,
      eventType: 'tenant.suspended',
      sequence: 1,
      status: 'pending',
      attempts: 0,
      round: 1,
    });
  });

  it('enqueues a batch of events of several tenants: only what a subscription of the same tenant wants, once', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const suspended = await subscriptions.create(a, { url, events: ['tenant.suspended'] });
    const everything = await subscriptions.create(a, { url, events: ['*'] });
    const first = event('tenant.suspended');
    const second = event('tenant.resumed');
    const batch = [
      { tenantId: a, event: first },
      { tenantId: b, event: event('tenant.suspended') }, // b subscribed to nothing
      { tenantId: a, event: second },
    ];

    const created = await queue.enqueueAll(batch);
    const again = await queue.enqueueAll(batch);

    expect(created.map((d) => [d.subscriptionId, d.sequence])).toEqual([
      ...[suspended.id, everything.id].sort().map((id) => [id, 1]),
      [everything.id, 2],
    ]);
    expect(again).toEqual([]);
    expect(await queue.listDeliveries(b)).toEqual([]);
    expect(await sequencesOf(a, everything.id)).toEqual([1, 2]);
  });

  it('answers an event nobody wants with one statement, no transaction', async () => {
    const tenant = randomUUID();
    await subscriptions.create(tenant, { url, events: ['tenant.resumed'] });
    await subscriptions.create(randomUUID(), { url, events: ['*'] }); // another tenant's
    // A transaction checks a client out (`connect()` without a callback); a plain pool.query passes one.
    const connect = jest.spyOn(db.pool, 'connect');
    const checkouts = () => connect.mock.calls.filter((args) => (args as unknown[]).length === 0).length;
    try {
      expect(await queue.enqueue(tenant, event('orders.OrderCreated'))).toEqual([]);
      expect(checkouts()).toBe(0);
      // one that is wanted still goes through the transaction
      expect(await queue.enqueue(tenant, event('tenant.resumed'))).toHaveLength(1);
      expect(checkouts()).toBe(1);
    } finally {
      connect.mockRestore();
    }
    expect(await queue.listDeliveries(tenant, { limit: 10 })).toHaveLength(1);
  });

  it('is idempotent per (subscription, event id) and spends no sequence number on a repeat', async () => {
    const tenant = randomUUID();
    const sub = await subscriptions.create(tenant, { url, events: ['*'] });
    const first = event('a');

    expect(await queue.enqueue(tenant, first)).toHaveLength(1);
    expect(await queue.enqueue(tenant, first)).toEqual([]);
    expect(await queue.enqueue(tenant, { ...first, type: 'b' })).toEqual([]);
    await queue.enqueue(tenant, event('a'));

    expect(await sequencesOf(tenant, sub.id)).toEqual([1, 2]);
  });

  it('numbers each subscription 1..n without gaps under concurrent enqueues and repeats', async () => {
    const tenant = randomUUID();
    const everything = await subscriptions.create(tenant, { url, events: ['*'] });
    const onlyA = await subscriptions.create(tenant, { url, events: ['a'] });
    const events = Array.from({ length: 40 }, (_, i) => event(i % 2 === 0 ? 'a' : 'b'));

    await Promise.all([...events, ...events.slice(0, 10)].map((e) => queue.enqueue(tenant, e)));

    expect(await sequencesOf(tenant, everything.id)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await sequencesOf(tenant, onlyA.id)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it("joins the caller's transaction: a rollback leaves no delivery and no used number", async () => {
    const tenant = randomUUID();
    const sub = await subscriptions.create(tenant, { url, events: ['*'] });
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      expect(await queue.enqueue(tenant, event('a'), { client })).toHaveLength(1);
      await client.query('rollback');
    } finally {
      client.release();
    }

    expect(await queue.listDeliveries(tenant)).toEqual([]);
    expect(await queue.enqueue(tenant, event('a'))).toEqual([
      expect.objectContaining({ subscriptionId: sub.id, sequence: 1 }),
    ]);
  });

  it('cancels the pending deliveries of a deleted subscription', async () => {
    const tenant = randomUUID();
    const sub = await subscriptions.create(tenant, { url, events: ['*'] });
    await queue.enqueue(tenant, event('a'));

    await subscriptions.delete(tenant, sub.id);

    expect((await queue.listDeliveries(tenant)).map((d) => d.status)).toEqual(['cancelled']);
  });

  it("never shows or touches another tenant's deliveries", async () => {
    const tenant = randomUUID();
    const other = randomUUID();
    await subscriptions.create(tenant, { url, events: ['*'] });
    await subscriptions.create(other, { url, events: ['*'] });
    const [mine] = await queue.enqueue(tenant, event('a'));
    const deliveryId = mine?.deliveryId ?? '';

    expect(await queue.listDeliveries(other)).toEqual([]);
    expect(await queue.getDelivery(other, deliveryId)).toBeUndefined();
    expect(await queue.listAttempts(other, deliveryId)).toEqual([]);
    expect(await queue.requeue(other, deliveryId)).toEqual({ ok: false, reason: 'not-found' });
    expect(await queue.requeue(tenant, deliveryId)).toEqual({ ok: false, reason: 'not-dead' });
    expect(await queue.requeue(tenant, 'not-a-uuid')).toEqual({ ok: false, reason: 'not-found' });
  });

  it("purges a tenant's rows and nobody else's", async () => {
    const tenant = randomUUID();
    const other = randomUUID();
    await subscriptions.create(tenant, { url, events: ['*'] });
    await subscriptions.create(other, { url, events: ['*'] });
    await queue.enqueue(tenant, event('a'));
    await queue.enqueue(other, event('a'));

    expect(await queue.purgeTenant(tenant)).toEqual({
      subscriptions: 1,
      deliveries: 1,
      attempts: 0,
      requeues: 0,
    });

    expect(await subscriptions.list(tenant, { includeDisabled: true })).toEqual([]);
    expect(await queue.listDeliveries(other)).toHaveLength(1);
  });

  it('refuses bad input with a TypeError', async () => {
    await expect(queue.enqueue('nope', event('a'))).rejects.toThrow(TypeError);
    await expect(queue.enqueue(randomUUID(), { ...event('a'), occurredAt: 'never' })).rejects.toThrow(
      TypeError,
    );
  });
});
