import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from '@platform/observability';
import { SERVICE_CONFIG, ServiceKitModule } from '@platform/service-kit';
import type { ProjectionServiceConfig } from './config';
import { READ_MODELS, ReadModelsProvider } from '@platform/read-models';
import { OrderProjectionController } from './orders/order-projection.message-controller';
import { SeenPositionsPruner } from './orders/seen-positions.pruner';

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
          tenantDirectory: true,
        }),
      ],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        ReadModelsProvider,
        OrderProjectionController,
        SeenPositionsPruner,
      ],
      exports: [READ_MODELS],
    };
  }
}
