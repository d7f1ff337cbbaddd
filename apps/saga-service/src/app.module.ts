import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from '@platform/observability';
import { SERVICE_CONFIG, ServiceKitModule } from '@platform/service-kit';
import type { SagaServiceConfig } from './config';
import { FulfilmentModule } from './fulfilment/fulfilment.module';
import type { FulfilmentModuleOptions } from './fulfilment/fulfilment.options';

/** The process managers' home: the order-fulfilment saga (ADR 0020). */
@Module({})
export class AppModule {
  static forRoot(
    config: SagaServiceConfig,
    instanceId: string,
    logger: Logger,
    overrides: Partial<Pick<FulfilmentModuleOptions, 'relay' | 'timerMaxSleepMs'>> = {},
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          service: 'saga-service',
          instanceId,
          logger,
          kafka: { brokers: config.KAFKA_BROKERS, topicPrefix: config.KAFKA_TOPIC_PREFIX },
          // its tenant storage ownership (ADR 0031) needs to know which tenants exist
          tenantDirectory: true,
        }),
        FulfilmentModule.forRoot({
          connectionString: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          schema: config.SAGA_SCHEMA,
          topicPrefix: config.KAFKA_TOPIC_PREFIX,
          partitions: config.KAFKA_PARTITIONS,
          stepTimeoutMs: config.SAGA_STEP_TIMEOUT_MS,
          ...overrides,
        }),
      ],
      providers: [{ provide: SERVICE_CONFIG, useValue: config }],
    };
  }
}
