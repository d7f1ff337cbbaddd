import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from '@platform/observability';
import { SERVICE_CONFIG, ServiceKitModule, jwtOptionsOf } from '@platform/service-kit';
import { CommandBus } from './commands/command-bus';
import type { GatewayConfig } from './config';
import { OrdersHttpController } from './orders/orders.http.controller';
import { TenantsHttpController } from './tenants/tenants.http.controller';
import { INSTANCE_ID } from './tokens';
import { Upstreams } from './upstream/upstreams.provider';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig, instanceId: string, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          service: 'gateway',
          instanceId,
          logger,
          kafka: { brokers: config.KAFKA_BROKERS, topicPrefix: config.KAFKA_TOPIC_PREFIX },
          tenancy: { jwt: jwtOptionsOf(config) },
        }),
      ],
      controllers: [OrdersHttpController, TenantsHttpController],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: INSTANCE_ID, useValue: instanceId },
        CommandBus,
        Upstreams,
      ],
    };
  }
}
