import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { EVENT_STORE, EventStoreModule, type EventStore } from '@platform/event-store';
import type { Logger } from '@platform/observability';
import {
  Readiness,
  readinessCheck,
  SERVICE_CONFIG,
  ServiceKitModule,
  jwtOptionsOf,
} from '@platform/service-kit';
import type { TenantRegistryConfig } from './config';
import { TenantLifecycle } from './tenants/tenant-lifecycle';
import { TenantRecords } from './tenants/tenant-records';
import { TenantsHttpController } from './tenants/tenants.http.controller';

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
        EventStoreModule.forRootAsync({
          useFactory: () => ({ connectionString: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE }),
        }),
      ],
      controllers: [TenantsHttpController],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        readinessCheck('event-store', EVENT_STORE, (store: EventStore) => store.ping()),
        {
          provide: TenantRecords,
          inject: [Readiness],
          useFactory: async (readiness: Readiness) => {
            const pool = new Pool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE });
            pool.on('error', () => undefined);
            const records = new TenantRecords(pool);
            await records.migrate();
            readiness.register('database', async () => {
              await pool.query('SELECT 1');
            });
            return Object.assign(records, {
              onApplicationShutdown: () => pool.end(),
            } satisfies OnApplicationShutdown);
          },
        },
        TenantLifecycle,
      ],
    };
  }
}
