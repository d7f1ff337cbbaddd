import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import pino from 'pino';
import { PLATFORM_TENANT_ID } from '@platform/audit';
import { tenantStreamName, Topics, type TenantIsolation } from '@platform/contracts';
import type { IdempotencyScope, IdempotentRequest } from '@platform/idempotency';
import { fromCurrentContext, KafkaMessaging } from '@platform/messaging';
import { metricsRegistry } from '@platform/observability';
import type { ApiKeyRecord } from '@platform/tenancy';
import { deleteTopicsWithPrefix, eventually, testInfra, uniqueSuffix } from '@platform/testing';
import { WebhookDispatcher } from '@platform/webhooks';
import { KafkaApiKeyAnnouncer } from '../api-keys/api-key-announcer';
import { ApiKeys } from '../api-keys/api-keys';
import type { TenantRegistryConfig } from '../config';
import { requestTenantDeletion } from '../tenants/tenant-deletion';
import { createTenant, registryFixture, testCaller, type RegistryFixture } from '../testing/registry-fixture';
import { WebhookAdmin } from '../webhooks/webhook-admin';
import type { ReconcileDeps } from './reconcile-deps';
import { StorageReportsMessageController } from './storage-reports.message-controller';
import { TenantController, type TenantControllerOptions } from './tenant-controller';
import { ownerReportedStorage, type TenantStoragePort } from './tenant-storage.port';

// The controller against real PostgreSQL (registry stores in throwaway schemas) and a real Kafka:
// the storage owners' reports (ADR 0031) and the API key announcements go through it. The owners
// themselves are other services (their own int specs); here their reports are sent as they send them.

const logger = pino({ level: 'silent' });
const OWNERS = ['projection-service', 'saga-service'];

describe('TenantController on PostgreSQL and Kafka', () => {
  let fixture: RegistryFixture;
  let messaging: KafkaMessaging;
  let reports: StorageReportsMessageController;
  const prefix = `it-registry-${uniqueSuffix()}.`;

  const ownerStorage = (): TenantStoragePort =>
    ownerReportedStorage(fixture.db.storageOwners, messaging, OWNERS);
  const depsWith = (port: TenantStoragePort = ownerStorage()): ReconcileDeps => ({
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
  const conditionOf = async (tenantId: string, type: string) =>
    (await fixture.db.tenants.find(tenantId))?.conditions.find((c) => c.type === type);

  /** An owner's report on `tenants.storage`, as `TenantStorageOwnership` sends it. */
  async function report(
    tenantId: string,
    owner: string,
    what: { provisioned: string } | { purged: string; objects: number },
  ): Promise<void> {
    const provisioned = 'provisioned' in what;
    await messaging.publish([
      fromCurrentContext(
        {
          topic: messaging.topic(Topics.tenantsStorage),
          type: provisioned ? 'tenants.TenantStorageProvisioned' : 'tenants.TenantStoragePurged',
          subject: tenantId,
          value: provisioned
            ? { tenantId, owner, description: what.provisioned }
            : { tenantId, owner, description: what.purged, objects: what.objects },
          source: `/${owner}`,
          dataSchemaVersion: 1,
        },
        { tenantId, actor: `service:${owner}`, roles: [], correlationId: 'c', causationId: 'c' },
      ),
    ]);
  }
  const provisionedBy = (tenantId: string, owners = OWNERS) =>
    Promise.all(owners.map((owner) => report(tenantId, owner, { provisioned: `storage of ${owner}` })));

  async function draft(isolation: TenantIsolation = 'schema'): Promise<string> {
    const created = await createTenant(fixture.commands, { isolation });
    expect(created.ok).toBe(true);
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
    // The registry's consumer of the owners' reports, with a controller of its own.
    reports = new StorageReportsMessageController(
      messaging,
      { KAFKA_TOPIC_PREFIX: prefix } as TenantRegistryConfig,
      logger,
      fixture.db,
      controllerWith(),
    );
    await reports.onModuleInit();
  });

  afterAll(async () => {
    await messaging.close();
    await deleteTopicsWithPrefix(prefix);
    await fixture.close();
  });

  it('activates a draft only once every storage owner reported its storage provisioned', async () => {
    const tenantId = await draft('dedicated');
    const controller = controllerWith();

    // Nobody reported yet: it waits, and shows whom for (not a failure: no backoff is counted).
    expect(await controller.reconcileTenant(tenantId)).toBe('waiting');
    expect(await conditionOf(tenantId, 'Provisioned')).toMatchObject({
      status: 'Unknown',
      reason: 'WaitingForOwners',
      message: 'waiting for projection-service, saga-service',
    });
    expect(await conditionOf(tenantId, 'Storage/saga-service')).toMatchObject({
      status: 'Unknown',
      reason: 'Pending',
    });
    expect((await fixture.db.tenants.reconcileState(tenantId))?.reconcileAttempts).toBe(0);

    // One owner reports (twice: a redelivery changes nothing): still a draft, the other one pending.
    await report(tenantId, 'projection-service', { provisioned: 'read models in schema x' });
    await report(tenantId, 'projection-service', { provisioned: 'read models in schema x' });
    await eventually(async () =>
      expect(await conditionOf(tenantId, 'Storage/projection-service')).toMatchObject({
        status: 'True',
        message: 'read models in schema x',
      }),
    );
    // the report has the controller look again: its pass may be under way a moment longer
    await eventually(async () =>
      expect(await conditionOf(tenantId, 'Provisioned')).toMatchObject({
        message: 'waiting for saga-service (done: projection-service)',
      }),
    );
    expect((await fixture.db.tenants.find(tenantId))?.status).toBe('draft');

    // The last one reports: the consumer has the controller look at once, and the tenant is active.
    await report(tenantId, 'saga-service', { provisioned: 'rows of schema saga' });
    await eventually(async () => expect((await fixture.db.tenants.find(tenantId))?.status).toBe('active'));
    expect(await fixture.db.tenants.find(tenantId)).toMatchObject({
      version: 2,
      conditions: expect.arrayContaining([
        expect.objectContaining({ type: 'Provisioned', status: 'True', reason: 'StorageReady' }),
        expect.objectContaining({ type: 'Ready', status: 'True', reason: 'Active' }),
        expect.objectContaining({ type: 'Storage/saga-service', status: 'True' }),
      ]),
    });
    expect(await typesOf(tenantId)).toEqual(['TenantCreated', 'TenantActivated']);
    const [, activated] = await fixture.db.store.readStream(PLATFORM_TENANT_ID, tenantStreamName(tenantId));
    expect(activated?.metadata.actor).toBe('service:tenant-controller');
    expect((await fixture.db.audit.list(tenantId, { limit: 10 })).map((r) => r.action)).toEqual([
      'tenant.create',
      'tenant.activate',
    ]);

    // Running again, or a report redelivered, changes nothing.
    await report(tenantId, 'saga-service', { provisioned: 'rows of schema saga' });
    await controller.reconcileOnce();
    expect(await controller.reconcileTenant(tenantId)).toBe('nothing-to-do');
    expect(await typesOf(tenantId)).toEqual(['TenantCreated', 'TenantActivated']);
    const metrics = await metricsRegistry.getSingleMetricAsString('tenant_provisioning_seconds');
    expect(metrics).toContain('isolation="dedicated"');
  });

  it('refuses a report about another tenant than its ce_tenantid', async () => {
    const tenantId = await draft();
    const other = randomUUID();
    await expect(
      reports.handle({
        topic: 't',
        partition: 0,
        offset: '0',
        key: tenantId,
        value: { tenantId: other, owner: 'saga-service', description: 'x' },
        attributes: {
          id: randomUUID(),
          type: 'tenants.TenantStorageProvisioned',
          source: '/saga-service',
          time: new Date().toISOString(),
          subject: tenantId,
          tenantId,
          correlationId: 'c',
          causationId: 'c',
          dataSchemaVersion: 1,
        },
      }),
    ).rejects.toThrow(/another|under ce_tenantid/);
    expect(await fixture.db.storageOwners.reports(tenantId)).toEqual([]);
    expect(await fixture.db.storageOwners.reports(other)).toEqual([]);
  });

  it('ends active after a crash between the reports and the activation, with one activation', async () => {
    const tenantId = await draft('schema');
    await Promise.all(
      OWNERS.map((owner) =>
        fixture.db.storageOwners.recordProvisioned(tenantId, owner, 'x', new Date().toISOString()),
      ),
    );
    // First attempt: the reports are read, then the process "dies" before recording the activation.
    const real = ownerStorage();
    const crashing: TenantStoragePort = {
      ...real,
      provisioned: async (id) => {
        await real.provisioned(id);
        throw new Error('crashed after reading the reports');
      },
    };

    const slowRetries = { retry: { baseMs: 60_000, capMs: 60_000 }, random: () => 0.5 };
    expect(await controllerWith(crashing, slowRetries).reconcileTenant(tenantId)).toBe('failed');

    expect(await typesOf(tenantId)).toEqual(['TenantCreated']);
    const failed = await fixture.db.tenants.find(tenantId);
    expect(failed?.status).toBe('draft');
    expect(failed?.conditions.find((c) => c.type === 'Provisioned')).toMatchObject({
      status: 'False',
      reason: 'ProvisioningFailed',
      message: expect.stringContaining('crashed after reading the reports'),
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
    for (const tenantId of tenantIds) {
      for (const owner of OWNERS)
        await fixture.db.storageOwners.recordProvisioned(tenantId, owner, 'x', new Date().toISOString());
    }
    const controllers = [controllerWith(), controllerWith(), controllerWith()];

    await Promise.all(controllers.map((controller) => controller.reconcileOnce()));
    await Promise.all(controllers.map((controller) => controller.reconcileOnce()));

    for (const tenantId of tenantIds) {
      expect(await typesOf(tenantId)).toEqual(['TenantCreated', 'TenantActivated']);
    }
  });

  it('runs by itself, every interval and when kicked', async () => {
    const controller = controllerWith();
    controller.start();
    try {
      const tenantId = await draft('shared');
      controller.kick();
      await provisionedBy(tenantId);
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

    /** What is sent on `tenants.storage`: each message's value and headers. */
    async function storageMessages(): Promise<{ value: unknown; headers: Record<string, string> }[]> {
      const received: { value: unknown; headers: Record<string, string> }[] = [];
      const consumer = raw.consumer({ groupId: `it-reader-${uniqueSuffix()}`, maxWaitTimeInMs: 100 });
      consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topic: messaging.topic(Topics.tenantsStorage), fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) =>
          void received.push({
            value: JSON.parse(String(message.value)) as unknown,
            headers: Object.fromEntries(
              Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
            ),
          }),
      });
      return received;
    }

    it('asks every owner to purge, waits for them, then purges its events, webhooks, keys and audit chain', async () => {
      const tenantId = await draft('schema');
      const controller = controllerWith();
      await provisionedBy(tenantId);
      await eventually(async () => expect((await fixture.db.tenants.find(tenantId))?.status).toBe('active'));
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
      const sent = await storageMessages();
      expect(await controller.reconcileTenant(tenantId)).toBe('waiting');

      // Every owner is asked once, in the deletion's conversation; the registry waits, purging nothing yet.
      await eventually(() =>
        expect(sent.filter((m) => m.headers['ce_type'] === 'tenants.TenantStoragePurgeRequested')).toEqual([
          {
            value: { tenantId, isolation: 'schema' },
            headers: expect.objectContaining({
              ce_tenantid: tenantId,
              ce_subject: tenantId,
              ce_correlationid: requestedBy.correlationId,
              ce_specversion: '1.0',
            }),
          },
        ]),
      );
      expect(await conditionOf(tenantId, 'Deleting')).toMatchObject({
        status: 'Unknown',
        reason: 'WaitingForOwners',
        message: 'waiting for projection-service, saga-service',
      });
      expect(await conditionOf(tenantId, 'Storage/projection-service')).toMatchObject({
        reason: 'PurgePending',
      });
      expect(await fixture.db.store.readStream(tenantId, 'order-1')).toHaveLength(3);
      expect(await controller.reconcileTenant(tenantId)).toBe('waiting');

      // The owners report (one of them twice: a redelivery counts once); the last report finishes it.
      await report(tenantId, 'projection-service', { purged: 'read models: schema x; 2 parked', objects: 3 });
      await report(tenantId, 'projection-service', { purged: 'read models: schema x; 2 parked', objects: 3 });
      await eventually(async () =>
        expect(await conditionOf(tenantId, 'Deleting')).toMatchObject({
          message: 'waiting for saga-service (done: projection-service)',
        }),
      );
      expect((await fixture.db.tenants.find(tenantId))?.status).toBe('archived');
      await report(tenantId, 'saga-service', { purged: 'rows of schema saga: 4', objects: 4 });
      await eventually(async () => expect((await fixture.db.tenants.find(tenantId))?.status).toBe('deleted'));
      expect(sent.filter((m) => m.headers['ce_type'] === 'tenants.TenantStoragePurgeRequested')).toHaveLength(
        1,
      );

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
          purged: { events: 3, readModels: 7, checkpoints: 0, deadLetters: 1, idempotencyRecords: 1 },
        },
        metadata: { actor: 'service:tenant-controller', correlationId: requestedBy.correlationId },
      });
      expect(await fixture.db.tenants.find(tenantId)).toMatchObject({
        status: 'deleted',
        conditions: expect.arrayContaining([
          expect.objectContaining({ type: 'Deleting', status: 'True', reason: 'Purged' }),
          expect.objectContaining({
            type: 'Storage/saga-service',
            reason: 'Purged',
            message: 'rows of schema saga: 4',
          }),
        ]),
      });

      // Purged: its events, its webhooks, its keys (revoked, and announced), its audit chain.
      expect(await fixture.db.store.readStream(tenantId, 'order-1')).toEqual([]);
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
          readModels: 7,
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
