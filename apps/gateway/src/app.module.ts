import { Module, type DynamicModule } from '@nestjs/common';
import { IdempotencyModule } from '@platform/idempotency';
import type { Logger } from '@platform/observability';
import { RateLimitModule } from '@platform/rate-limits';
import { SERVICE_CONFIG, ServiceKitModule, jwtOptionsOf } from '@platform/service-kit';
import { CommandBus } from './commands/command-bus';
import { OpenApiHttpController } from './openapi/openapi.http.controller';
import type { GatewayConfig } from './config';
import { OrdersHttpController } from './orders/orders.http.controller';
import { ProductsHttpController } from './products/products.http.controller';
import { PLAN_RATE_LIMITS } from './rate-limits/plan-rate-limits';
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
        // Per-tenant limits by plan on every tenant route; runs after TenantGuard (guards come first).
        RateLimitModule.forRootAsync({
          useFactory: () => ({
            connectionString: config.DATABASE_URL,
            poolSize: config.DATABASE_POOL_SIZE,
            plans: PLAN_RATE_LIMITS,
            logger,
          }),
        }),
        // Idempotency-Key on every write, data and control plane (ADR 0010). After the rate limit:
        // interceptors run in registration order, so a replay is counted like any request, and a
        // request refused with a 429 never claims (nor keeps) its key.
        IdempotencyModule.forRootAsync({
          useFactory: () => ({
            connectionString: config.DATABASE_URL,
            logger,
          }),
        }),
      ],
      controllers: [
        OrdersHttpController,
        ProductsHttpController,
        TenantsHttpController,
        OpenApiHttpController,
      ],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: INSTANCE_ID, useValue: instanceId },
        CommandBus,
        Upstreams,
      ],
    };
  }
}
