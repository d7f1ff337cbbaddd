import { Module, type DynamicModule } from '@nestjs/common';
import { EVENT_STORE, EventStoreModule, type EventStore } from '@platform/event-store';
import type { Logger } from '@platform/observability';
import { ConfigError, readinessCheck, SERVICE_CONFIG, ServiceKitModule } from '@platform/service-kit';
import type { CommandServiceConfig } from './config';
import { OrdersMessageController } from './orders/orders.message-controller';

@Module({})
export class AppModule {
  static forRoot(config: CommandServiceConfig, instanceId: string, logger: Logger): DynamicModule {
    const eventStoreDbUrl = config.EVENTSTOREDB_URL;
    if (config.EVENT_STORE === 'eventstoredb' && eventStoreDbUrl === undefined) {
      throw new ConfigError(['EVENTSTOREDB_URL: required when EVENT_STORE=eventstoredb (not set)']);
    }
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          service: 'command-service',
          instanceId,
          logger,
          kafka: { brokers: config.KAFKA_BROKERS, topicPrefix: config.KAFKA_TOPIC_PREFIX },
          // Tenant status is enforced here too: a command on Kafka for a suspended tenant is refused.
          tenantDirectory: true,
        }),
        EventStoreModule.forRootAsync({
          useFactory: () =>
            config.EVENT_STORE === 'eventstoredb' && eventStoreDbUrl !== undefined
              ? { kind: 'eventstoredb' as const, connectionString: eventStoreDbUrl }
              : { connectionString: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE },
        }),
      ],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        readinessCheck('event-store', EVENT_STORE, (store: EventStore) => store.ping()),
        OrdersMessageController,
      ],
    };
  }
}
