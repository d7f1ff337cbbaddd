import { Module, type DynamicModule } from '@nestjs/common';
import type { AuditLog } from '@platform/audit';
import { MESSAGING, type KafkaMessaging } from '@platform/messaging';
import type { Logger } from '@platform/observability';
import {
  jwtOptionsOf,
  SERVICE_CONFIG,
  ServiceKitModule,
  TENANT_STORAGE_OWNER,
  TenantStorageOwnership,
} from '@platform/service-kit';
import type { ProjectionServiceConfig } from './config';
import {
  ProductViewsProvider,
  READ_MODELS,
  readModelsProvider,
  type ParkedEvents,
} from '@platform/read-models';
import { DeadLetterOperations } from './dead-letters/dead-letter-operations';
import { DeadLettersHttpController } from './dead-letters/dead-letters.http.controller';
import { OrderApplier } from './orders/order-applier';
import { OrderProjectionController } from './orders/order-projection.message-controller';
import { SeenPositionsPruner } from './orders/seen-positions.pruner';
import { ParkedEventsHttpController } from './parking/parked-events.http.controller';
import { PARKED_EVENTS, parkingProviders, PROJECTION_AUDIT } from './parking/parking.provider';
import { ProductProjectionController } from './products/product-projection.message-controller';
import { readModelStorageOwner } from './tenant-storage/read-model-storage.owner';
import { rebuildProviders } from './rebuild/rebuild.provider';
import { RebuildsHttpController } from './rebuild/rebuilds.http.controller';

@Module({})
export class AppModule {
  static forRoot(config: ProjectionServiceConfig, instanceId: string, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          service: 'projection-service',
          instanceId,
          logger,
          kafka: { brokers: config.KAFKA_BROKERS, topicPrefix: config.KAFKA_TOPIC_PREFIX },
          // Each tenant's isolation mode (where its read models live) comes from tenants.lifecycle.
          // Operator routes (parked messages, DLQs) take platform-admin tokens; no API keys.
          tenancy: { jwt: jwtOptionsOf(config), apiKeys: false },
        }),
      ],
      controllers: [ParkedEventsHttpController, DeadLettersHttpController, RebuildsHttpController],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        // It owns the read models (ADR 0031): every tenant's storage runs its pending migrations
        // before the projections start, and it provisions and purges tenants' storage itself.
        readModelsProvider({
          runPendingMigrations: { concurrency: config.READ_MODEL_MIGRATION_CONCURRENCY },
        }),
        {
          provide: TENANT_STORAGE_OWNER,
          inject: [PARKED_EVENTS],
          useFactory: (parked: ParkedEvents) => readModelStorageOwner(config.DATABASE_URL, parked),
        },
        TenantStorageOwnership,
        OrderApplier,
        ...parkingProviders,
        {
          provide: DeadLetterOperations,
          inject: [MESSAGING, PROJECTION_AUDIT],
          useFactory: (messaging: KafkaMessaging, audit: AuditLog) =>
            new DeadLetterOperations(messaging.deadLetters, audit, config.KAFKA_TOPIC_PREFIX),
        },
        OrderProjectionController,
        ProductViewsProvider,
        ProductProjectionController,
        SeenPositionsPruner,
        ...rebuildProviders,
      ],
      exports: [READ_MODELS],
    };
  }
}
