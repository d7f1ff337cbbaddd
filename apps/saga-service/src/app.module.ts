import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from '@platform/observability';
import { SERVICE_CONFIG, ServiceKitModule } from '@platform/service-kit';
import type { SagaServiceConfig } from './config';

/**
 * The process managers' home. This version runs the service shell only (configuration, health,
 * metrics, Kafka); the order-fulfilment saga arrives with the inventory and payment contexts.
 */
@Module({})
export class AppModule {
  static forRoot(config: SagaServiceConfig, instanceId: string, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          service: 'saga-service',
          instanceId,
          logger,
          kafka: { brokers: config.KAFKA_BROKERS, topicPrefix: config.KAFKA_TOPIC_PREFIX },
        }),
      ],
      providers: [{ provide: SERVICE_CONFIG, useValue: config }],
    };
  }
}
