import { Module, type DynamicModule } from '@nestjs/common';
import { topicName, Topics } from '@platform/contracts';
import { EventRelayModule } from '@platform/event-relay';
import { EVENT_STORE, EventStoreModule, type EventStore } from '@platform/event-store';
import type { Logger } from '@platform/observability';
import { ConfigError, readinessCheck, SERVICE_CONFIG, ServiceKitModule } from '@platform/service-kit';
import { AuditedAppendModule } from './audited-append/audited-append.module';
import { CommandDatabase } from './audited-append/command-database';
import type { CommandServiceConfig } from './config';
import { CommandMessageRunner } from './command-pipeline/command-message-runner';
import { InventoryMessageController } from './inventory/inventory.message-controller';
import { OrdersMessageController } from './orders/orders.message-controller';
import { PaymentsMessageController } from './payments/payments.message-controller';
import { PaymentProcessorMessageController } from './payments/processing-payment/payment-processor.message-controller';

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
              : {
                  connectionString: config.DATABASE_URL,
                  poolSize: config.DATABASE_POOL_SIZE,
                  pollIntervalMs: RELAY_POLL_INTERVAL_MS,
                },
        }),
        // Every command's audit record, with its events and quota unit (ADR 0009).
        AuditedAppendModule.forRoot({
          connectionString: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          logger,
        }),
        // The store is the outbox: every instance campaigns, one relays it to Kafka (ADR 0007).
        EventRelayModule.forRootAsync({
          useFactory: () => ({
            name: relayName(config),
            connectionString: config.DATABASE_URL,
            logger,
            partitionsOf: (topic) =>
              topic === topicName(config.KAFKA_TOPIC_PREFIX, Topics.tenantsLifecycle)
                ? 3
                : config.KAFKA_PARTITIONS,
            startFrom: relayStartOf(config),
          }),
        }),
      ],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        readinessCheck('event-store', EVENT_STORE, (store: EventStore) => store.ping()),
        readinessCheck('audit-log', CommandDatabase, (db: CommandDatabase) => db.ping()),
        CommandMessageRunner,
        OrdersMessageController,
        InventoryMessageController,
        PaymentsMessageController,
        PaymentProcessorMessageController,
      ],
    };
  }
}

/**
 * How often the event relay looks for new events in the PostgreSQL store (the leader only; one
 * indexed query each): most of the delay between an append and its message on Kafka.
 */
const RELAY_POLL_INTERVAL_MS = 20;

/**
 * Where the relay starts the first time it runs for this deployment (no checkpoint yet): without a
 * topic prefix, at the beginning (everything the store holds is published); with one, after what
 * the store holds then: a prefixed deployment (a test run, a preview) shares the database with
 * others, and the store's history is not its own (ADR 0007).
 */
const relayStartOf = (config: Pick<CommandServiceConfig, 'KAFKA_TOPIC_PREFIX'>): 'beginning' | 'end' =>
  config.KAFKA_TOPIC_PREFIX === '' ? 'beginning' : 'end';

/**
 * One relay per event store and Kafka destination: instances of this deployment share it (one
 * leads), another topic prefix on the same database is another relay with its own checkpoint.
 */
const relayName = (config: Pick<CommandServiceConfig, 'EVENT_STORE' | 'KAFKA_TOPIC_PREFIX'>): string =>
  `${config.EVENT_STORE}->kafka:${config.KAFKA_TOPIC_PREFIX}`;
