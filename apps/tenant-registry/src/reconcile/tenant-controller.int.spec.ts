import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import pino from 'pino';
import { PLATFORM_TENANT_ID } from '@platform/audit';
import { tenantStreamName, Topics, type TenantIsolation } from '@platform/contracts';
import type { IdempotencyScope, IdempotentRequest } from '@platform/idempotency';
import { KafkaMessaging } from '@platform/messaging';
import { metricsRegistry } from '@platform/observability';
import { tenantStorageReady } from '@platform/read-models';
import type { ApiKeyRecord } from '@platform/tenancy';
import { deleteTopicsWithPrefix, eventually, testInfra, uniqueSuffix } from '@platform/testing';
import { WebhookDispatcher } from '@platform/webhooks';
import { KafkaApiKeyAnnouncer } from '../api-keys/api-key-announcer';
import { ApiKeys } from '../api-keys/api-keys';
import { requestTenantDeletion } from '../tenants/tenant-deletion';
import { createTenant, registryFixture, testCaller, type RegistryFixture } from '../testing/registry-fixture';
import { WebhookAdmin } from '../webhooks/webhook-admin';
import type { ReconcileDeps } from './reconcile-deps';
import { TenantController, type TenantControllerOptions } from './tenant-controller';
import { readModelStorage, type TenantStoragePort } from './tenant-storage.port';

// The controller against real PostgreSQL (registry stores in throwaway schemas, tenant storage for
// real: schemas, databases, row-level security) and a real Kafka for the API key announcements.

const logger = pino({ level: 'silent' });
const storage = readModelStorage(testInfra.databaseUrl);

describe('TenantController on PostgreSQL and Kafka', () => {
  let fixture: RegistryFixture;
  let messaging: KafkaMessaging;
  const prefix = `it-registry-${uniqueSuffix()}.`;
  const provisioned: { id: string; isolation: TenantIsolation }[] = [];
  const timings: string[] = [];

  const depsWith = (port: TenantStoragePort = storage): ReconcileDeps => ({
    db: fixture.db,
    commands: fixture.commands,
    storage: port,
    announcer: new KafkaApiKeyAnnouncer(messaging),
    logger,
    now: () => new Date(),
    newId: randomUUID,
  });
  const controllerWith = (port?: TenantStoragePort, options: Partial<TenantControllerOptions> = {}) =>
    new TenantController(depsWith(port), { intervalMs: 50, ...options });
  const typesOf = async (tenantId: string) =>
    (await fixture.db.store.readStream(PLATFORM_TENANT_ID, tenantStreamName(tenantId))).map((e) => e.type);

  async function draft(isolation: TenantIsolation = 'schema'): Promise<string> {
    const created = await createTenant(fixture.commands, { isolation });
    expect(created.ok).toBe(true);
    provisioned.push({ id: created.tenantId, isolation });
    return created.tenantId;
  }

  beforeAll(async () => {
    // the webhook below goes to a closed port of this machine: reachable through the allow-list only
    fixture = await registryFixture(10, { webhookAllowedHosts: '127.0.0.1:9' });
    messaging = await KafkaMessaging.connect(
      {
        brokers: testInfra.kafkaBrokers,
        clientId: 'it-registry',
        topicPrefix: prefix,
        service: 'tenant-registry',
      },
      logger,
    );
    // The registry's own key feed creates it in the service; here nobody else does.
    await messaging.ensureTopics([{ topic: messaging.topic(Topics.tenantsApiKeys), partitions: 3 }]);
  });

  afterAll(async () => {
    // Provisioning times measured here (the closing note quotes them).
    process.stdout.write(`provisioning, draft to active:\n${timings.join('\n')}\n`);
    for (const { id, isolation } of provisioned)
      await storage.deprovision(id, isolation).catch(() => undefined);
    await messaging.close();
    await deleteTopicsWithPrefix(prefix);
    await fixture.close();
  });

  it.each<TenantIsolation>(['shared', 'schema', 'dedicated'])(
    'provisions a %s tenant and activates it',
    async (isolation) => {
      const tenantId = await draft(isolation);
      const controller = controllerWith();
      const started = performance.now();

      await controller.reconcileOnce();

      const ms = Math.round(performance.now() - started);
      timings.push(`  ${isolation}: ${ms} ms`);
      expect(await fixture.db.tenants.find(tenantId)).toMatchObject({
        status: 'active',
        version: 2,
        conditions: expect.arrayContaining([
          expect.objectContaining({
            type: 'Provisioned',
            status: 'True',
            reason: 'StorageReady',
            attempts: 1,
          }),
          expect.objectContaining({ type: 'Ready', status: 'True', reason: 'Active' }),
        ]),
      });
      expect(await typesOf(tenantId)).toEqual(['TenantCreated', 'TenantActivated']);
      expect(await tenantStorageReady(testInfra.databaseUrl, tenantId, isolation)).toBe(true);
      const [, activated] = await fixture.db.store.readStream(PLATFORM_TENANT_ID, tenantStreamName(tenantId));
      expect(activated?.metadata.actor).toBe('service:tenant-controller');
      expect((await fixture.db.audit.list(tenantId, { limit: 10 })).map((r) => r.action)).toEqual([
        'tenant.create',
        'tenant.activate',
      ]);

      // Running again changes nothing.
      await controller.reconcileOnce();
      expect(await controller.reconcileTenant(tenantId)).toBe('nothing-to-do');
      expect(await typesOf(tenantId)).toEqual(['TenantCreated', 'TenantActivated']);
      const metrics = await metricsRegistry.getSingleMetricAsString('tenant_provisioning_seconds');
      expect(metrics).toContain(`isolation="${isolation}"`);
    },
  );

  it('ends active after a crash between provisioning and activation, with one activation', async () => {
    const tenantId = await draft('schema');
    // First attempt: the storage is provisioned, then the process "dies" before recording it.
    const crashing: TenantStoragePort = {
      provision: async (id, isolation) => {
        await storage.provision(id, isolation);
        throw new Error('crashed after provisioning');
      },
      deprovision: (id, isolation) => storage.deprovision(id, isolation),
    };

    const slowRetries = { retry: { baseMs: 60_000, capMs: 60_000 }, random: () => 0.5 };
    expect(await controllerWith(crashing, slowRetries).reconcileTenant(tenantId)).toBe('failed');

    expect(await tenantStorageReady(testInfra.databaseUrl, tenantId, 'schema')).toBe(true);
    expect(await typesOf(tenantId)).toEqual(['TenantCreated']);
    const failed = await fixture.db.tenants.find(tenantId);
    expect(failed?.status).toBe('draft');
    expect(failed?.conditions.find((c) => c.type === 'Provisioned')).toMatchObject({
      status: 'False',
      reason: 'ProvisioningFailed',
      message: expect.stringContaining('crashed after provisioning'),
      attempts: 1,
    });
    // The failure is retried later (backoff), not by the next pass at once.
    expect((await fixture.db.tenants.dueForWork(50)).map((w) => w.id)).not.toContain(tenantId);
    const failures = await metricsRegistry.getSingleMetricAsString('tenant_reconcile_attempts_total');
    expect(failures).toMatch(/phase="provision",outcome="failed"/);

    // A restarted controller: the second run ends where an uninterrupted one would have.
    const restarted = controllerWith();
    expect(await restarted.reconcileTenant(tenantId)).toBe('done');
    expect(await restarted.reconcileTenant(tenantId)).toBe('nothing-to-do');

    expect(await typesOf(tenantId)).toEqual(['TenantCreated', 'TenantActivated']);
    const active = await fixture.db.tenants.find(tenantId);
    expect(active?.status).toBe('active');
    expect(active?.conditions.find((c) => c.type === 'Provisioned')).toMatchObject({
      status: 'True',
      attempts: 2,
    });
  });

  it('lets only one of several controllers work on a tenant', async () => {
    const tenantIds = await Promise.all([draft('shared'), draft('schema'), draft('shared'), draft('schema')]);
    // The real storage, counting who provisions what.
    const calls = new Map<string, number>();
    const counting: TenantStoragePort = {
      provision: (id, isolation) => {
        calls.set(id, (calls.get(id) ?? 0) + 1);
        return storage.provision(id, isolation);
      },
      deprovision: (id, isolation) => storage.deprovision(id, isolation),
    };
    const controllers = [controllerWith(counting), controllerWith(counting), controllerWith(counting)];

    await Promise.all(controllers.map((controller) => controller.reconcileOnce()));
    await Promise.all(controllers.map((controller) => controller.reconcileOnce()));

    for (const tenantId of tenantIds) {
      expect(await typesOf(tenantId)).toEqual(['TenantCreated', 'TenantActivated']);
      expect(calls.get(tenantId)).toBe(1);
    }
  });

  it('runs by itself, every interval and when kicked', async () => {
    const controller = controllerWith();
    controller.start();
    try {
      const tenantId = await draft('shared');
      controller.kick();
      await eventually(async () => expect((await fixture.db.tenants.find(tenantId))?.status).toBe('active'), {
        what: 'tenant active',
      });
    } finally {
      await controller.stop();
    }
  });

  describe('deleting a tenant', () => {
    const raw = new Kafka({
      clientId: 'it-registry-raw',
      brokers: testInfra.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const consumers: Consumer[] = [];
    afterAll(() => Promise.all(consumers.map((c) => c.disconnect())));

    async function announced(): Promise<ApiKeyRecord[]> {
      const received: ApiKeyRecord[] = [];
      const consumer = raw.consumer({ groupId: `it-reader-${uniqueSuffix()}`, maxWaitTimeInMs: 100 });
      consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topic: messaging.topic('tenants.api-keys'), fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) =>
          void received.push(JSON.parse(String(message.value)) as ApiKeyRecord),
      });
      return received;
    }

    it('purges its events, storage, webhooks, keys and audit chain, and records what it purged', async () => {
      const tenantId = await draft('schema');
      const controller = controllerWith();
      await controller.reconcileTenant(tenantId);
      const tenant = await fixture.db.tenants.find(tenantId);
      if (!tenant) throw new Error('no tenant');

      // What the tenant owns: events of its own, an API key, a webhook with a dead letter.
      const metadata = {
        tenantId,
        correlationId: 'c',
        causationId: 'c',
        actor: 'it',
        occurredAt: new Date().toISOString(),
      };
      await fixture.db.store.appendToStream(
        tenantId,
        'order-1',
        [1, 2, 3].map((n) => ({
          eventId: randomUUID(),
          type: 'OrderCreated',
          data: { n },
          schemaVersion: 1,
          metadata,
        })),
        { expectedVersion: 'no-stream' },
      );
      const keys = new ApiKeys(fixture.db, new KafkaApiKeyAnnouncer(messaging));
      const key = await keys.issue(tenant, { name: 'ci', roles: ['member'] }, testCaller());
      if (!key.ok) throw new Error('no key');
      const hook = await new WebhookAdmin(fixture.db).subscribe(
        tenant,
        { url: 'http://127.0.0.1:9/hook', events: ['*'] },
        testCaller(),
      );
      expect(hook.ok).toBe(true);
      await fixture.db.queue.enqueue(tenantId, {
        id: randomUUID(),
        type: 'orders.OrderCreated',
        data: {},
        occurredAt: new Date(),
      });
      const dispatcher = new WebhookDispatcher({
        pool: fixture.db.pool,
        schema: fixture.schemas.webhooks,
        backoff: { baseMs: 1, capMs: 1, maxAttempts: 1 },
        requestTimeoutMs: 1_000,
        egress: fixture.egress,
      });
      await dispatcher.dispatchDue();
      expect(await fixture.db.queue.listDeadLetters(tenantId)).toHaveLength(1);
      // ... and a month of quota usage (the command service counts its orders)
      const month = new Date();
      const tx = await fixture.db.pool.connect();
      try {
        await fixture.db.usage.consume(tx, { tenantId, metric: 'orders', limit: 10, at: month });
      } finally {
        tx.release();
      }
      expect(await fixture.db.usage.usage(tenantId, 'orders', month)).toBe(1);
      // ... and an Idempotency-Key answer the gateway kept for one of its requests (another
      // caller's key, not the tenant's, stays)
      const keyed = (scope: IdempotencyScope): IdempotentRequest => ({
        scope,
        method: 'POST',
        path: '/v1/orders',
        key: 'order-once',
        fingerprint: 'f1',
      });
      const answer = { status: 201, headers: { 'content-type': 'application/json' }, body: '{}' };
      for (const scope of [
        { kind: 'tenant', tenantId },
        { kind: 'subject', subject: 'ops' },
      ] as const) {
        const claimed = await fixture.db.idempotency.claim(keyed(scope));
        if (claimed.kind !== 'claimed') throw new Error(`no claim: ${claimed.kind}`);
        expect(await fixture.db.idempotency.complete(claimed.claim, answer)).toBe(true);
      }
      expect(await fixture.db.idempotency.claim(keyed({ kind: 'tenant', tenantId }))).toMatchObject({
        kind: 'replay',
      });

      // Archive, ask for the deletion (only an archived tenant may be deleted), let the controller work.
      const early = await requestTenantDeletion(fixture.db, tenantId, testCaller());
      expect(early).toMatchObject({ ok: false, refusal: { kind: 'conflict' } });
      await fixture.commands.execute({ type: 'ArchiveTenant', data: { tenantId } }, testCaller());
      const requestedBy = testCaller('ops');
      expect((await requestTenantDeletion(fixture.db, tenantId, requestedBy)).ok).toBe(true);
      const chain = (await fixture.db.audit.list(tenantId, { limit: 10 })).map((r) => r.action);
      expect(chain).toEqual([
        'tenant.create',
        'tenant.activate',
        'api-key.create',
        'webhook.create',
        'tenant.archive',
        'tenant.request-deletion',
      ]);
      expect(await controller.reconcileTenant(tenantId)).toBe('done');

      // Recorded: the lifecycle stream (the platform's) ends with TenantDeleted and what was purged.
      const lifecycle = await fixture.db.store.readStream(PLATFORM_TENANT_ID, tenantStreamName(tenantId));
      expect(lifecycle.map((e) => e.type)).toEqual([
        'TenantCreated',
        'TenantActivated',
        'TenantArchived',
        'TenantDeleted',
      ]);
      expect(lifecycle.at(-1)).toMatchObject({
        data: {
          status: 'deleted',
          purged: { events: 3, readModels: 1, checkpoints: 0, deadLetters: 1, idempotencyRecords: 1 },
        },
        metadata: { actor: 'service:tenant-controller', correlationId: requestedBy.correlationId },
      });
      expect(await fixture.db.tenants.find(tenantId)).toMatchObject({
        status: 'deleted',
        conditions: expect.arrayContaining([
          expect.objectContaining({ type: 'Deleting', status: 'True', reason: 'Purged' }),
        ]),
      });

      // Purged: its events, its storage, its webhooks, its keys (revoked, and announced), its audit chain.
      expect(await fixture.db.store.readStream(tenantId, 'order-1')).toEqual([]);
      expect(await tenantStorageReady(testInfra.databaseUrl, tenantId, 'schema')).toBe(false);
      // ... but its webhook (all events) still owes it its last one, TenantDeleted, enqueued with it
      const [retiring] = await fixture.db.subscriptions.list(tenantId, { includeDisabled: true });
      expect(retiring).toMatchObject({ id: hook.ok ? hook.value.id : '', disabledAt: expect.any(Date) });
      const [last] = await fixture.db.queue.listDeliveries(tenantId);
      expect(last).toMatchObject({
        eventType: 'tenants.TenantDeleted',
        eventId: lifecycle.at(-1)?.eventId,
        status: 'pending',
      });
      expect(await fixture.db.queue.listDeliveries(tenantId)).toHaveLength(1);
      // once it is done (here: dead, the receiver is down), nothing of its webhooks is left
      await dispatcher.dispatchDue();
      expect(await fixture.db.subscriptions.list(tenantId, { includeDisabled: true })).toEqual([]);
      expect(await fixture.db.queue.listDeliveries(tenantId)).toEqual([]);
      expect(await fixture.db.usage.usage(tenantId, 'orders', month)).toBe(0);
      expect(await fixture.db.idempotency.claim(keyed({ kind: 'tenant', tenantId }))).toMatchObject({
        kind: 'claimed',
      });
      expect(await fixture.db.idempotency.claim(keyed({ kind: 'subject', subject: 'ops' }))).toMatchObject({
        kind: 'replay',
      });
      expect((await fixture.db.apiKeys.list(tenantId)).map((k) => k.revokedAt)).toEqual([expect.any(String)]);
      const records = await announced();
      await eventually(() =>
        expect(records.filter((r) => r.keyId === key.value.id).map((r) => r.revokedAt !== undefined)).toEqual(
          [false, true],
        ),
      );
      expect(records.every((r) => !('key' in r))).toBe(true);
      expect(await fixture.db.audit.list(tenantId, { limit: 10 })).toEqual([]);

      // The platform chain keeps the trace: what was purged (the chain's length included), and the deletion.
      const platform = (await fixture.db.audit.list(PLATFORM_TENANT_ID, { limit: 1000 })).filter(
        (r) => r.target === `tenant/${tenantId}`,
      );
      expect(platform.map((r) => r.action)).toEqual(['audit.purge', 'tenant.delete']);
      expect(platform[0]?.previousState).toMatchObject({
        auditChain: { records: chain.length },
        purged: {
          events: 3,
          streams: 1,
          readModels: 1,
          deadLetters: 1,
          webhookSubscriptions: 1,
          apiKeysRevoked: 1,
          quotaCounters: 1,
          idempotencyRecords: 1,
        },
      });
      expect(platform[1]).toMatchObject({
        actor: 'service:tenant-controller',
        correlationId: requestedBy.correlationId,
      });
      expect(await fixture.db.audit.verify(PLATFORM_TENANT_ID)).toMatchObject({ valid: true });

      // Nothing more to do, and neither its id nor its slug is ever given again.
      expect(await controller.reconcileTenant(tenantId)).toBe('nothing-to-do');
      expect(await createTenant(fixture.commands, { tenantId })).toMatchObject({
        ok: false,
        refusal: { code: 'tenant-already-exists' },
      });
      expect(await createTenant(fixture.commands, { slug: tenant.slug })).toMatchObject({
        ok: false,
        refusal: { code: 'slug-taken' },
      });
    });
  });
});
