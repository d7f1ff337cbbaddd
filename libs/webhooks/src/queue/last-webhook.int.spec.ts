import { randomUUID } from 'node:crypto';
import { WebhookDispatcher } from '../dispatcher/webhook-dispatcher';
import { WebhookEgress } from '../egress/webhook-egress';
import { WebhookSubscriptions } from '../subscriptions/webhook-subscriptions';
import { type TestDatabase, createTestDatabase } from '../testing/postgres-test-schema';
import { WebhookReceiver } from '../testing/webhook-receiver';
import type { WebhookEvent, WebhookPayload } from '../webhook.types';
import { WebhookQueue } from './webhook-queue';

// A deleted tenant's last webhook (its deletion): the purge keeps only the subscriptions that want
// it, disabled; the deletion enqueues it to them alone; once it is delivered or dead, the dispatcher
// removes them and everything of theirs. Real PostgreSQL, a real HTTP receiver.

const DELETED = 'tenants.TenantDeleted';
const event = (type: string): WebhookEvent => ({
  id: randomUUID(),
  type,
  data: { status: 'deleted' },
  occurredAt: '2026-03-01T10:00:00.000Z',
});

describe("a deleted tenant's last webhook", () => {
  let db: TestDatabase;
  let receiver: WebhookReceiver;
  let subscriptions: WebhookSubscriptions;
  let queue: WebhookQueue;
  let dispatcher: WebhookDispatcher;

  beforeAll(async () => {
    db = await createTestDatabase();
    receiver = await WebhookReceiver.start();
    // the receiver is on a loopback address over http: reachable only through the allow-list
    const egress = new WebhookEgress({ allowedHosts: '127.0.0.1' });
    subscriptions = new WebhookSubscriptions({ pool: db.pool, schema: db.schema, egress });
    queue = new WebhookQueue({ pool: db.pool, schema: db.schema });
    dispatcher = new WebhookDispatcher({
      pool: db.pool,
      schema: db.schema,
      backoff: { baseMs: 1, capMs: 1, maxAttempts: 2 },
      requestTimeoutMs: 2_000,
      egress,
    });
  });
  afterAll(async () => {
    await receiver.close();
    await db.drop();
  });

  async function subscribe(tenant: string, route: string, events: string[], status = 204) {
    const subscription = await subscriptions.create(tenant, { url: receiver.url(route), events });
    receiver.route(route, subscription.secret, () => status);
    return subscription;
  }

  const idsOf = async (tenant: string) =>
    (await subscriptions.list(tenant, { includeDisabled: true })).map((s) => s.id).sort();

  it('reaches the subscriptions that want it, then leaves nothing of the tenant behind', async () => {
    const [tenant, other] = [randomUUID(), randomUUID()];
    const all = await subscribe(tenant, 'all', ['*']);
    const deletions = await subscribe(tenant, 'deletions', [DELETED]);
    await subscribe(tenant, 'orders', ['orders.OrderCreated']);
    const neighbour = await subscribe(other, 'neighbour', ['*']);
    // a pending delivery and the other tenant's, before the purge
    await queue.enqueue(tenant, event('orders.OrderCreated'));
    await queue.enqueue(other, event('orders.OrderCreated'));

    const retired = await queue.retireTenant(tenant, DELETED);

    expect(retired).toMatchObject({ subscriptions: 1, retiring: 2, deliveries: 2 });
    expect(await idsOf(tenant)).toEqual([all.id, deletions.id].sort());
    expect(await queue.listDeliveries(tenant)).toEqual([]);
    // no event reaches a retiring subscription any more, but the last one
    expect(await queue.enqueue(tenant, event(DELETED))).toEqual([]);
    const last = event(DELETED);
    const enqueued = await queue.enqueueFarewell(tenant, last);
    expect(enqueued.map((d) => d.subscriptionId).sort()).toEqual([all.id, deletions.id].sort());
    expect(await queue.enqueueFarewell(tenant, last)).toEqual([]);

    await dispatcher.dispatchDue();

    for (const route of ['all', 'deletions']) {
      const received = receiver.received(route);
      expect(received.map((r) => r.verification)).toEqual(['ok']);
      expect(JSON.parse(received[0]?.body ?? '{}') as WebhookPayload).toMatchObject({
        type: DELETED,
        eventId: last.id,
        tenantId: tenant,
      });
    }
    expect(receiver.received('orders')).toEqual([]);
    expect(await idsOf(tenant)).toEqual([]);
    expect(await queue.listDeliveries(tenant)).toEqual([]);
    // the other tenant is untouched
    expect(await idsOf(other)).toEqual([neighbour.id]);
    expect(await queue.listDeliveries(other)).toHaveLength(1);
  });

  it('removes a retiring subscription whose last webhook dies, dead letter and attempts included', async () => {
    const tenant = randomUUID();
    await subscribe(tenant, 'down', [DELETED], 503);
    await queue.retireTenant(tenant, DELETED);
    const [delivery] = await queue.enqueueFarewell(tenant, event(DELETED));
    if (!delivery) throw new Error('no delivery');

    await dispatcher.dispatchDue();
    expect(await idsOf(tenant)).toHaveLength(1); // one attempt left: not drained yet
    expect((await queue.getDelivery(tenant, delivery.deliveryId))?.status).toBe('pending');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await dispatcher.dispatchDue();

    expect(receiver.received('down').map((r) => r.status)).toEqual([503, 503]);
    expect(await idsOf(tenant)).toEqual([]);
    expect(await queue.getDelivery(tenant, delivery.deliveryId)).toBeUndefined();
    const { rows } = await db.pool.query(
      `select count(*)::int as n from "${db.schema}".attempts where tenant_id = $1`,
      [tenant],
    );
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('is idempotent: retiring twice keeps the same subscriptions', async () => {
    const tenant = randomUUID();
    const kept = await subscribe(tenant, 'twice', ['*']);
    await queue.retireTenant(tenant, DELETED);

    expect(await queue.retireTenant(tenant, DELETED)).toMatchObject({ subscriptions: 0, retiring: 1 });
    expect(await idsOf(tenant)).toEqual([kept.id]);
  });
});
