import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsRegistry } from '@platform/observability';
import { eventually } from '@platform/testing';
import { WebhookEgress, type Resolver } from '../egress/webhook-egress';
import { WebhookQueue } from '../queue/webhook-queue';
import { WebhookSubscriptions } from '../subscriptions/webhook-subscriptions';
import { type TestDatabase, createTestDatabase } from '../testing/postgres-test-schema';
import { type ReceivedWebhook, WebhookReceiver } from '../testing/webhook-receiver';
import type { WebhookEvent, WebhookPayload } from '../webhook.types';
import { WebhookDispatcher, type WebhookDispatcherOptions } from './webhook-dispatcher';

// Real PostgreSQL, a real HTTP receiver on 127.0.0.1 that fails on purpose, signatures verified by the
// `standardwebhooks` package inside the receiver. Small backoff settings; every wait is a bounded poll.
// The receiver is on a loopback address over http: reachable only through the allow-list.

const localReceiver = new WebhookEgress({ allowedHosts: '127.0.0.1' });

const event = (type: string, data: unknown = { n: 1 }): WebhookEvent => ({
  id: randomUUID(),
  type,
  data,
  occurredAt: '2026-03-01T10:00:00.000Z',
});

const payloadOf = (received: ReceivedWebhook): WebhookPayload => JSON.parse(received.body) as WebhookPayload;

async function outcomeCount(outcome: string): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('webhook_deliveries_total')?.get();
  // summed over the tenants
  return (metric?.values ?? [])
    .filter((v) => v.labels.outcome === outcome)
    .reduce((sum, v) => sum + v.value, 0);
}

describe('WebhookDispatcher against a real HTTP receiver', () => {
  let db: TestDatabase;
  let receiver: WebhookReceiver;
  let subscriptions: WebhookSubscriptions;
  let queue: WebhookQueue;
  const dispatchers: WebhookDispatcher[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    receiver = await WebhookReceiver.start();
    subscriptions = new WebhookSubscriptions({ pool: db.pool, schema: db.schema, egress: localReceiver });
    queue = new WebhookQueue({ pool: db.pool, schema: db.schema });
  });
  afterEach(async () => {
    await Promise.all(dispatchers.splice(0).map((dispatcher) => dispatcher.stop()));
  });
  afterAll(async () => {
    await receiver.close();
    await db.drop();
  });

  function startDispatcher(options: Partial<WebhookDispatcherOptions> = {}): WebhookDispatcher {
    const dispatcher = new WebhookDispatcher({
      pool: db.pool,
      schema: db.schema,
      backoff: { baseMs: 10, capMs: 40, maxAttempts: 4 },
      pollIntervalMs: 20,
      requestTimeoutMs: 2_000,
      egress: localReceiver,
      ...options,
    });
    dispatchers.push(dispatcher);
    dispatcher.start();
    return dispatcher;
  }

  const statusOf = async (tenantId: string, deliveryId: string) =>
    (await queue.getDelivery(tenantId, deliveryId))?.status;

  /** Subscribes `tenant` with the receiver's route `route`, answering with `reply`. */
  async function subscribe(
    tenant: string,
    route: string,
    events: string[],
    reply: Parameters<WebhookReceiver['route']>[2],
  ) {
    const subscription = await subscriptions.create(tenant, { url: receiver.url(route), events });
    receiver.route(route, subscription.secret, reply);
    return subscription;
  }

  it('retries a receiver that fails twice, then delivers; every attempt signed, numbered and logged', async () => {
    const tenant = randomUUID();
    await subscribe(tenant, 'flaky', ['tenant.suspended'], ({ n }) => (n <= 2 ? 500 : 200));
    const suspended = event('tenant.suspended', { reason: 'unpaid' });
    const [delivery] = await queue.enqueue(tenant, suspended);
    const deliveryId = delivery?.deliveryId ?? '';

    startDispatcher();
    await eventually(async () => expect(await statusOf(tenant, deliveryId)).toBe('delivered'));

    const received = receiver.received('flaky');
    expect(received.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(received.map((r) => r.verification)).toEqual(['ok', 'ok', 'ok']);
    for (const request of received) {
      expect(request.headers).toMatchObject({
        'webhook-id': deliveryId,
        'webhook-sequence': '1',
        'content-type': 'application/json',
      });
      expect(request.headers['webhook-timestamp']).toMatch(/^\d{10}$/);
      expect(request.headers['webhook-signature']).toMatch(/^v1,/);
      expect(payloadOf(request)).toEqual({
        type: 'tenant.suspended',
        timestamp: '2026-03-01T10:00:00.000Z',
        data: { reason: 'unpaid' },
        sequence: 1,
        tenantId: tenant,
        eventId: suspended.id,
      });
    }
    const attempts = await queue.listAttempts(tenant, deliveryId);
    expect(
      attempts.map(({ attemptNo, outcome, statusCode }) => ({ attemptNo, outcome, statusCode })),
    ).toEqual([
      { attemptNo: 1, outcome: 'retry', statusCode: 500 },
      { attemptNo: 2, outcome: 'retry', statusCode: 500 },
      { attemptNo: 3, outcome: 'delivered', statusCode: 200 },
    ]);
    for (const attempt of attempts) {
      expect(attempt).toMatchObject({ round: 1, latencyMs: expect.any(Number), startedAt: expect.any(Date) });
      expect(attempt.error).toBeUndefined();
    }
  });

  it('dead-letters a receiver that keeps failing, and delivers after a requeue once it recovers', async () => {
    const tenant = randomUUID();
    const otherTenant = randomUUID();
    let recovered = false;
    const subscription = await subscribe(tenant, 'down', ['*'], () => (recovered ? 200 : 503));
    const [delivery] = await queue.enqueue(tenant, event('tenant.archived'));
    const deliveryId = delivery?.deliveryId ?? '';
    const deadBefore = await outcomeCount('dead');

    startDispatcher({ backoff: { baseMs: 10, capMs: 20, maxAttempts: 3 } });
    await eventually(async () => expect(await statusOf(tenant, deliveryId)).toBe('dead'));

    const deadLetters = await queue.listDeadLetters(tenant);
    expect(deadLetters).toEqual([
      expect.objectContaining({ id: deliveryId, attempts: 3, lastStatusCode: 503 }),
    ]);
    expect(await queue.listDeadLetters(tenant, { subscriptionId: subscription.id })).toHaveLength(1);
    expect(await queue.listDeadLetters(tenant, { subscriptionId: randomUUID() })).toEqual([]);
    expect(await queue.listDeadLetters(otherTenant)).toEqual([]);
    expect(await queue.requeue(otherTenant, deliveryId)).toEqual({ ok: false, reason: 'not-found' });
    expect((await queue.listAttempts(tenant, deliveryId)).map((a) => [a.outcome, a.statusCode])).toEqual([
      ['retry', 503],
      ['retry', 503],
      ['dead', 503],
    ]);
    expect(await outcomeCount('dead')).toBe(deadBefore + 1);

    recovered = true;
    const logged: [string, object][] = [];
    const record = (fields: object, message: string) => logged.push([message, fields]);
    const opsQueue = new WebhookQueue({
      pool: db.pool,
      schema: db.schema,
      logger: { info: record, warn: record, error: record },
    });
    const requeued = await opsQueue.requeue(tenant, deliveryId, { actor: 'user:ops' });

    expect(requeued).toEqual({
      ok: true,
      delivery: expect.objectContaining({ status: 'pending', attempts: 0, round: 2 }),
    });
    expect(logged).toEqual([
      [
        'webhook delivery requeued',
        expect.objectContaining({ tenantId: tenant, deliveryId, actor: 'user:ops' }),
      ],
    ]);
    await eventually(async () => expect(await statusOf(tenant, deliveryId)).toBe('delivered'));
    expect(await queue.listDeadLetters(tenant)).toEqual([]);
    const attempts = await queue.listAttempts(tenant, deliveryId);
    expect(attempts.map((a) => [a.round, a.attemptNo, a.outcome, a.statusCode])).toEqual([
      [1, 1, 'retry', 503],
      [1, 2, 'retry', 503],
      [1, 3, 'dead', 503],
      [2, 1, 'delivered', 200],
    ]);
    const received = receiver.received('down');
    expect(received.map((r) => r.verification)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(new Set(received.map((r) => r.headers['webhook-id']))).toEqual(new Set([deliveryId]));
    const { rows } = await db.pool.query(
      `select actor, previous_round, previous_attempts from "${db.schema}".requeues where delivery_id = $1`,
      [deliveryId],
    );
    expect(rows).toEqual([{ actor: 'user:ops', previous_round: 1, previous_attempts: 3 }]);
    expect(await queue.requeue(tenant, deliveryId)).toEqual({ ok: false, reason: 'not-dead' });
  });

  it('refuses to requeue a dead letter whose subscription was deleted', async () => {
    const tenant = randomUUID();
    const subscription = await subscribe(tenant, 'gone', ['*'], () => 500);
    const [delivery] = await queue.enqueue(tenant, event('tenant.deleted'));
    const deliveryId = delivery?.deliveryId ?? '';
    startDispatcher({ backoff: { baseMs: 10, capMs: 10, maxAttempts: 1 } });
    await eventually(async () => expect(await statusOf(tenant, deliveryId)).toBe('dead'));

    await subscriptions.delete(tenant, subscription.id);

    expect(await queue.requeue(tenant, deliveryId)).toEqual({ ok: false, reason: 'subscription-disabled' });
  });

  it("numbers each subscription's deliveries 1..n without gaps; another tenant receives none of them", async () => {
    const tenantA = randomUUID();
    const tenantB = randomUUID();
    // Some first attempts fail, so deliveries overtake one another: numbering must not depend on order.
    const flaky = ({ n, nForId }: { n: number; nForId: number }) => (nForId === 1 && n % 3 === 0 ? 500 : 200);
    const everything = await subscribe(tenantA, 'a-all', ['*'], flaky);
    const suspensions = await subscribe(tenantA, 'a-suspended', ['tenant.suspended'], flaky);
    await subscribe(tenantB, 'b-all', ['*'], () => 200);
    const events = Array.from({ length: 16 }, (_, i) =>
      event(i % 2 === 0 ? 'tenant.suspended' : 'tenant.resumed'),
    );

    await Promise.all(events.map((e) => queue.enqueue(tenantA, e)));
    startDispatcher();
    await eventually(async () => {
      const deliveries = await queue.listDeliveries(tenantA);
      expect(deliveries).toHaveLength(24);
      expect(deliveries.every((d) => d.status === 'delivered')).toBe(true);
    });

    for (const [route, count] of [
      ['a-all', 16],
      ['a-suspended', 8],
    ] as const) {
      const received = receiver.received(route);
      expect(received.every((r) => r.verification === 'ok')).toBe(true);
      expect(received.every((r) => r.headers['webhook-sequence'] === String(payloadOf(r).sequence))).toBe(
        true,
      );
      expect(received.every((r) => payloadOf(r).tenantId === tenantA)).toBe(true);
      const delivered = received.filter((r) => r.status === 200).map((r) => payloadOf(r).sequence);
      expect(delivered.sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    }
    expect(new Set((await queue.listDeliveries(tenantA)).map((d) => d.subscriptionId))).toEqual(
      new Set([everything.id, suspensions.id]),
    );
    expect(receiver.received('b-all')).toEqual([]);
    expect(await queue.listDeliveries(tenantB)).toEqual([]);
    expect(await queue.listDeadLetters(tenantB)).toEqual([]);

    const receivedByA = receiver.received('a-all').length + receiver.received('a-suspended').length;
    const [forB] = await queue.enqueue(tenantB, event('tenant.suspended'));
    await eventually(async () => expect(await statusOf(tenantB, forB?.deliveryId ?? '')).toBe('delivered'));
    expect(receiver.received('b-all').map((r) => [payloadOf(r).tenantId, payloadOf(r).sequence])).toEqual([
      [tenantB, 1],
    ]);
    expect(receiver.received('a-all').length + receiver.received('a-suspended').length).toBe(receivedByA);
  });

  it('sends each attempt once when two dispatchers run at the same time', async () => {
    const tenant = randomUUID();
    await subscribe(tenant, 'shared', ['*'], ({ nForId }) => (nForId === 1 ? 500 : 200));
    const enqueued = (
      await Promise.all(Array.from({ length: 30 }, () => queue.enqueue(tenant, event('x'))))
    ).flat();

    startDispatcher({ batchSize: 4, userAgent: 'dispatcher-1' });
    startDispatcher({ batchSize: 4, userAgent: 'dispatcher-2' });
    await eventually(async () => {
      const delivered = await queue.listDeliveries(tenant, { status: 'delivered' });
      expect(delivered).toHaveLength(30);
    });

    const received = receiver.received('shared');
    expect(received.every((r) => r.verification === 'ok')).toBe(true);
    for (const { deliveryId } of enqueued) {
      expect(received.filter((r) => r.headers['webhook-id'] === deliveryId).map((r) => r.status)).toEqual([
        500, 200,
      ]);
      expect((await queue.listAttempts(tenant, deliveryId)).map((a) => [a.attemptNo, a.outcome])).toEqual([
        [1, 'retry'],
        [2, 'delivered'],
      ]);
    }
    expect(new Set(received.map((r) => r.headers['user-agent']))).toEqual(
      new Set(['dispatcher-1', 'dispatcher-2']),
    );
  });

  it('counts a receiver that does not answer in time as a failed attempt, with the error', async () => {
    const tenant = randomUUID();
    await subscribe(tenant, 'slow', ['*'], ({ n }) => (n === 1 ? new Promise<number>(() => undefined) : 200));
    const [delivery] = await queue.enqueue(tenant, event('x'));
    const deliveryId = delivery?.deliveryId ?? '';

    startDispatcher({ requestTimeoutMs: 300 });
    await eventually(async () => expect(await statusOf(tenant, deliveryId)).toBe('delivered'));

    const [timedOut, delivered] = await queue.listAttempts(tenant, deliveryId);
    expect(timedOut).toMatchObject({
      attemptNo: 1,
      outcome: 'retry',
      error: expect.stringMatching(/timeout|abort/i),
    });
    expect(timedOut?.statusCode).toBeUndefined();
    expect(timedOut?.latencyMs).toBeGreaterThanOrEqual(250);
    expect(delivered).toMatchObject({ attemptNo: 2, outcome: 'delivered', statusCode: 200 });
  });

  it('counts a refused connection as a failed attempt, with the error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const tenant = randomUUID();
    await subscriptions.create(tenant, { url: `http://127.0.0.1:${port}/hooks`, events: ['*'] });
    const [delivery] = await queue.enqueue(tenant, event('x'));
    const deliveryId = delivery?.deliveryId ?? '';

    startDispatcher({ backoff: { baseMs: 10, capMs: 10, maxAttempts: 2 } });
    await eventually(async () => expect(await statusOf(tenant, deliveryId)).toBe('dead'));

    const attempts = await queue.listAttempts(tenant, deliveryId);
    expect(attempts.map((a) => a.outcome)).toEqual(['retry', 'dead']);
    expect(attempts.every((a) => a.statusCode === undefined && /ECONNREFUSED/.test(a.error ?? ''))).toBe(
      true,
    );
  });

  it('lets the attempt in flight finish and be recorded when stopped', async () => {
    const tenant = randomUUID();
    let answer: (status: number) => void = () => undefined;
    await subscribe(tenant, 'held', ['*'], () => new Promise<number>((resolve) => (answer = resolve)));
    const [delivery] = await queue.enqueue(tenant, event('x'));
    const deliveryId = delivery?.deliveryId ?? '';
    const dispatcher = startDispatcher();
    await eventually(() => expect(receiver.received('held')).toHaveLength(1));

    let stopped = false;
    const stopping = dispatcher.stop().then(() => (stopped = true));
    expect((await queue.listAttempts(tenant, deliveryId)).map((a) => a.outcome)).toEqual(['unfinished']);
    expect(stopped).toBe(false);
    answer(204);
    await stopping;

    expect(await statusOf(tenant, deliveryId)).toBe('delivered');
    expect((await queue.listAttempts(tenant, deliveryId)).map((a) => [a.outcome, a.statusCode])).toEqual([
      ['delivered', 204],
    ]);
  });

  describe('where deliveries may go, checked at every attempt', () => {
    /** A DNS that answers from a table: a public-looking name may point anywhere. */
    const resolver =
      (table: Record<string, string>): Resolver =>
      async (hostname) => {
        const address = table[hostname];
        if (address === undefined) throw new Error(`getaddrinfo ENOTFOUND ${hostname}`);
        return [{ address, family: address.includes(':') ? 6 : 4 }];
      };
    const receiverPort = (): string => new URL(receiver.url('x')).port;

    it('connects to the address the check resolved, with the URL host in Host', async () => {
      const port = receiverPort();
      // `receiver.test` exists only in this resolver: the delivery arrives only if the connection
      // goes to the address the check was given
      const egress = new WebhookEgress({
        allowedHosts: `receiver.test:${port}`,
        resolve: resolver({ 'receiver.test': '127.0.0.1' }),
      });
      const tenant = randomUUID();
      const subscription = await new WebhookSubscriptions({
        pool: db.pool,
        schema: db.schema,
        egress,
      }).create(tenant, { url: `http://receiver.test:${port}/pinned`, events: ['*'] });
      receiver.route('pinned', subscription.secret, () => 204);
      const [delivery] = await queue.enqueue(tenant, event('x'));

      startDispatcher({ egress });
      await eventually(async () =>
        expect(await statusOf(tenant, delivery?.deliveryId ?? '')).toBe('delivered'),
      );
      expect(receiver.received('pinned').map((r) => r.headers.host)).toEqual([`receiver.test:${port}`]);
    });

    it('refuses a name that resolves to a loopback address: failed attempts with the reason, then a dead letter', async () => {
      const port = receiverPort();
      const tenant = randomUUID();
      // https and a public-looking name pass when the subscription is created; the DNS answer is the
      // receiver's loopback address (DNS rebinding); the receiver would answer 204 over plain http too
      const subscription = await subscriptions.create(tenant, {
        url: `https://rebind.example.com:${port}/rebound`,
        events: ['*'],
      });
      receiver.route('rebound', subscription.secret, () => 204);
      const [delivery] = await queue.enqueue(tenant, event('x'));
      const deliveryId = delivery?.deliveryId ?? '';
      const refusedBefore = await refusedCount();

      startDispatcher({
        egress: new WebhookEgress({ resolve: resolver({ 'rebind.example.com': '127.0.0.1' }) }),
        backoff: { baseMs: 10, capMs: 10, maxAttempts: 3 },
      });
      await eventually(async () => expect(await statusOf(tenant, deliveryId)).toBe('dead'));

      const attempts = await queue.listAttempts(tenant, deliveryId);
      expect(attempts.map((a) => [a.outcome, a.statusCode, a.error])).toEqual(
        ['retry', 'retry', 'dead'].map((outcome) => [
          outcome,
          undefined,
          'refused: rebind.example.com resolves to 127.0.0.1, a loopback address',
        ]),
      );
      expect((await queue.getDelivery(tenant, deliveryId))?.lastError).toMatch(/^refused: /);
      expect(receiver.received('rebound')).toEqual([]);
      expect((await refusedCount()) - refusedBefore).toBe(3);
    });

    it('refuses a stored URL that the allow-list no longer names, before resolving anything', async () => {
      const tenant = randomUUID();
      const subscription = await subscribe(tenant, 'no-longer-allowed', ['*'], () => 204);
      const [delivery] = await queue.enqueue(tenant, event('x'));
      const deliveryId = delivery?.deliveryId ?? '';

      startDispatcher({
        egress: new WebhookEgress({ resolve: () => Promise.reject(new Error('no DNS expected')) }),
        backoff: { baseMs: 10, capMs: 10, maxAttempts: 1 },
      });
      await eventually(async () => expect(await statusOf(tenant, deliveryId)).toBe('dead'));

      expect((await queue.listAttempts(tenant, deliveryId)).map((a) => a.error)).toEqual([
        'refused: url must use https (plain http only to a host in WEBHOOK_ALLOWED_HOSTS)',
      ]);
      expect(receiver.received('no-longer-allowed')).toEqual([]);
      expect(subscription.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
    });

    it('does not follow a redirect: a 3xx is a failed attempt', async () => {
      const tenant = randomUUID();
      // the target is a route of the receiver (any request to it is logged, signed right or not)
      await subscribe(randomUUID(), 'redirect-target', ['never'], () => 204);
      const redirecting = createServer((_request, response) =>
        response.writeHead(307, { location: receiver.url('redirect-target') }).end(),
      );
      await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = redirecting.address() as AddressInfo;
        const redirected = await subscriptions.create(tenant, {
          url: `http://127.0.0.1:${port}/hooks`,
          events: ['only-here'],
        });
        const [delivery, ...others] = await queue.enqueue(tenant, event('only-here'));
        expect([delivery?.subscriptionId, others]).toEqual([redirected.id, []]);
        const deliveryId = delivery?.deliveryId ?? '';

        startDispatcher({ backoff: { baseMs: 10, capMs: 10, maxAttempts: 1 } });
        await eventually(async () => expect(await statusOf(tenant, deliveryId)).toBe('dead'));

        expect((await queue.listAttempts(tenant, deliveryId)).map((a) => a.statusCode)).toEqual([307]);
        expect(receiver.received('redirect-target')).toEqual([]);
      } finally {
        redirecting.closeAllConnections();
        await new Promise<void>((resolve) => redirecting.close(() => resolve()));
      }
    });
  });
});

async function refusedCount(): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('webhook_deliveries_refused_total')?.get();
  return metric?.values[0]?.value ?? 0;
}
