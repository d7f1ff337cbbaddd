import { randomUUID } from 'node:crypto';
import { Module, type DynamicModule } from '@nestjs/common';
import { Pool } from 'pg';
import { topicName, Topics } from '@platform/contracts';
import { EventRelayModule, relayNameOf, relayStartOf } from '@platform/event-relay';
import { EventStoreModule } from '@platform/event-store';
import { MESSAGING, type KafkaMessaging } from '@platform/messaging';
import type { Logger } from '@platform/observability';
import {
  jwtOptionsOf,
  Readiness,
  SERVICE_CONFIG,
  SERVICE_LOGGER,
  ServiceKitModule,
} from '@platform/service-kit';
import { ReadModelStorageMeter } from '@platform/read-models';
import { TenantDirectory } from '@platform/tenancy';
import { WebhookDispatcher, WebhookEgress } from '@platform/webhooks';
import { KafkaApiKeyAnnouncer } from './api-keys/api-key-announcer';
import { ApiKeys } from './api-keys/api-keys';
import type { TenantRegistryConfig } from './config';
import { CONTROLLER_LOCK_POOL, ControlPlaneLifecycle } from './control-plane.lifecycle';
import { ApiKeysHttpController } from './http/api-keys.http.controller';
import { PathTenants } from './http/path-tenants';
import { TenantArchiveHttpController } from './http/tenant-archive.http.controller';
import { TenantAuditHttpController } from './http/tenant-audit.http.controller';
import { TenantLifecycleHttpController } from './http/tenant-lifecycle.http.controller';
import { TenantManifestHttpController } from './http/tenant-manifest.http.controller';
import { TenantsHttpController } from './http/tenants.http.controller';
import { WebhooksHttpController } from './http/webhooks.http.controller';
import { StorageMeter } from './quotas/storage-meter';
import { TenantController } from './reconcile/tenant-controller';
import { StorageReportsMessageController } from './reconcile/storage-reports.message-controller';
import { ownerReportedStorage } from './reconcile/tenant-storage.port';
import { RegistryDatabase } from './registry/registry-database';
import { snapshotOfRecord } from './registry/snapshot-of-record';
import { READ_MODEL_REBUILD } from './tenant-export/read-model-rebuild.port';
import { ReadModelsRebuild } from './tenant-export/read-models-rebuild';
import { TenantImports } from './tenant-export/tenant-imports';
import { TenantCommands } from './tenants/tenant-commands';
import { WebhookAdmin } from './webhooks/webhook-admin';
import { WebhookEventsMessageController } from './webhooks/webhook-events.message-controller';

/** How often the relay, while this instance leads, looks for new events (as in the command service). */
const RELAY_POLL_INTERVAL_MS = 20;

/** Tenants the controller works on at once; each holds a connection of the lock pool. */
const CONTROLLER_CONCURRENCY = 3;

/** Where webhooks may go: checked when a subscription is created and at every delivery (ADR 0022). */
const WEBHOOK_EGRESS = Symbol('WEBHOOK_EGRESS');

/**
 * The tenant registry: the control plane's HTTP routes, the tenant controller (reconcile loop),
 * and the webhooks of every tenant (the consumer that enqueues them, the dispatcher that sends
 * them). Its events go to the PostgreSQL event store only; the relay publishes them to Kafka.
 *
 * The registry hosts an instance of that relay too (same name as the command services' relay of the
 * PostgreSQL store, so one of them leads): tenant lifecycle events reach Kafka whether or not a
 * command service runs, and when the command services keep their events in EventStoreDB.
 */
@Module({})
export class AppModule {
  static forRoot(config: TenantRegistryConfig, instanceId: string, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          service: 'tenant-registry',
          instanceId,
          logger,
          kafka: { brokers: config.KAFKA_BROKERS, topicPrefix: config.KAFKA_TOPIC_PREFIX },
          tenancy: { jwt: jwtOptionsOf(config) },
        }),
        // The relay's own reader of the store: a small pool, apart from the one commands use.
        EventStoreModule.forRootAsync({
          useFactory: () => ({
            connectionString: config.DATABASE_URL,
            poolSize: 2,
            pollIntervalMs: RELAY_POLL_INTERVAL_MS,
          }),
        }),
        EventRelayModule.forRootAsync({
          useFactory: () => ({
            name: relayNameOf('postgres', config.KAFKA_TOPIC_PREFIX),
            connectionString: config.DATABASE_URL,
            logger,
            partitionsOf: (topic) =>
              topic === topicName(config.KAFKA_TOPIC_PREFIX, Topics.tenantsLifecycle)
                ? 3
                : config.KAFKA_PARTITIONS,
            startFrom: relayStartOf(config.KAFKA_TOPIC_PREFIX),
          }),
        }),
      ],
      controllers: [
        TenantsHttpController,
        TenantLifecycleHttpController,
        TenantManifestHttpController,
        TenantAuditHttpController,
        TenantArchiveHttpController,
        ApiKeysHttpController,
        WebhooksHttpController,
      ],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        {
          provide: WEBHOOK_EGRESS,
          useFactory: () => new WebhookEgress({ allowedHosts: config.WEBHOOK_ALLOWED_HOSTS }),
        },
        {
          provide: RegistryDatabase,
          inject: [Readiness, WEBHOOK_EGRESS],
          useFactory: async (readiness: Readiness, egress: WebhookEgress) => {
            const pool = new Pool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE });
            // An idle connection that fails is replaced on the next query; readiness reports an outage.
            pool.on('error', () => undefined);
            const db = new RegistryDatabase(pool, {}, logger.child({ component: 'webhooks' }), egress);
            await db.migrate();
            readiness.register('database', async () => {
              await pool.query('select 1');
            });
            return db;
          },
        },
        {
          provide: CONTROLLER_LOCK_POOL,
          useFactory: () => {
            const pool = new Pool({ connectionString: config.DATABASE_URL, max: CONTROLLER_CONCURRENCY });
            pool.on('error', () => undefined);
            return pool;
          },
        },
        {
          provide: TenantCommands,
          inject: [RegistryDatabase, TenantDirectory],
          useFactory: (db: RegistryDatabase, directory: TenantDirectory) =>
            new TenantCommands(db, { onCommitted: (tenant) => directory.apply(snapshotOfRecord(tenant)) }),
        },
        {
          provide: KafkaApiKeyAnnouncer,
          inject: [MESSAGING],
          useFactory: (messaging: KafkaMessaging) => new KafkaApiKeyAnnouncer(messaging),
        },
        {
          provide: ApiKeys,
          inject: [RegistryDatabase, KafkaApiKeyAnnouncer],
          useFactory: (db: RegistryDatabase, announcer: KafkaApiKeyAnnouncer) => new ApiKeys(db, announcer),
        },
        {
          provide: WebhookAdmin,
          inject: [RegistryDatabase],
          useFactory: (db: RegistryDatabase) => new WebhookAdmin(db),
        },
        {
          provide: TenantController,
          inject: [
            RegistryDatabase,
            TenantCommands,
            KafkaApiKeyAnnouncer,
            SERVICE_LOGGER,
            CONTROLLER_LOCK_POOL,
            MESSAGING,
          ],
          useFactory: (
            db: RegistryDatabase,
            commands: TenantCommands,
            announcer: KafkaApiKeyAnnouncer,
            log: Logger,
            locks: Pool,
            messaging: KafkaMessaging,
          ) =>
            new TenantController(
              {
                db,
                commands,
                storage: ownerReportedStorage(db.storageOwners, messaging, config.TENANT_STORAGE_OWNERS),
                announcer,
                logger: log.child({ component: 'tenant-controller' }),
                now: () => new Date(),
                newId: randomUUID,
              },
              {
                intervalMs: config.RECONCILE_INTERVAL_MS,
                concurrency: CONTROLLER_CONCURRENCY,
                lockPool: locks,
              },
            ),
        },
        {
          provide: WebhookDispatcher,
          inject: [RegistryDatabase, WEBHOOK_EGRESS],
          useFactory: (db: RegistryDatabase, egress: WebhookEgress) =>
            new WebhookDispatcher({
              pool: db.pool,
              logger: logger.child({ component: 'webhook-dispatcher' }),
              egress,
            }),
        },
        {
          provide: StorageMeter,
          inject: [RegistryDatabase],
          useFactory: (db: RegistryDatabase) =>
            new StorageMeter(
              {
                db,
                readModels: new ReadModelStorageMeter(config.DATABASE_URL),
                logger: logger.child({ component: 'storage-meter' }),
                now: () => new Date(),
              },
              config.STORAGE_METER_INTERVAL_MS,
            ),
        },
        { provide: READ_MODEL_REBUILD, useFactory: () => new ReadModelsRebuild(config.DATABASE_URL) },
        TenantImports,
        PathTenants,
        WebhookEventsMessageController,
        StorageReportsMessageController,
        ControlPlaneLifecycle,
      ],
    };
  }
}
