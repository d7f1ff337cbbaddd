import {
  Inject,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { Pool } from 'pg';
import { Topics } from '@platform/contracts';
import { KafkaRelayPublisher, PostgresRelayLeadership } from '@platform/event-relay';
import { MESSAGING, type KafkaMessaging } from '@platform/messaging';
import type { Logger } from '@platform/observability';
import {
  Readiness,
  SERVICE_LOGGER,
  TENANT_STORAGE_OWNER,
  TenantStorageOwnership,
} from '@platform/service-kit';
import { DeadlineTimer } from './deadline-timer';
import { FulfilmentStore } from './fulfilment-store';
import { FulfilmentMessageController } from './fulfilment.message-controller';
import { FULFILMENT_OPTIONS, type FulfilmentModuleOptions } from './fulfilment.options';
import { OutboxRelay } from './outbox-relay';
import { trackDeadlines } from './saga-metrics';
import { SagaSteps } from './saga-steps';
import { sagaStorageOwner } from './saga-storage.owner';

const SAGA_POOL = Symbol('SAGA_POOL');

/** Starts the relay and the timer loop once the app is up; stops them before Kafka and the pool close. */
class FulfilmentLifecycle
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    @Inject(SAGA_POOL) private readonly pool: Pool,
    private readonly store: FulfilmentStore,
    private readonly relay: OutboxRelay,
    private readonly timer: DeadlineTimer,
    private readonly steps: SagaSteps,
    private readonly readiness: Readiness,
    @Inject(FULFILMENT_OPTIONS) private readonly options: FulfilmentModuleOptions,
    @Inject(MESSAGING) private readonly messaging: KafkaMessaging,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.store.migrate();
    // the producer does not create topics: the commands topics exist before the relay sends
    await this.messaging.ensureTopics(
      [Topics.ordersCommands, Topics.inventoryCommands, Topics.paymentsCommands].map((topic) => ({
        topic: this.messaging.topic(topic),
        partitions: this.options.partitions,
      })),
      true,
    );
    this.readiness.register('saga-database', () => this.store.ping());
    this.steps.listen({
      commandsIssued: () => this.relay.wake(),
      deadlineSet: (dueAt) => this.timer.armAt(dueAt),
    });
  }

  onApplicationBootstrap(): void {
    if (this.options.relay ?? true) this.relay.start();
    this.timer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.relay.stop(), this.timer.stop()]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * The order-fulfilment saga (ADR 0020): its consumer, its PostgreSQL store, its outbox relay and
 * its deadline loop. The store's schema is migrated at start (under a lock).
 */
@Module({})
export class FulfilmentModule {
  static forRoot(options: FulfilmentModuleOptions): DynamicModule {
    const channel = `${options.schema}_outbox`;
    return {
      module: FulfilmentModule,
      providers: [
        { provide: FULFILMENT_OPTIONS, useValue: options },
        {
          provide: SAGA_POOL,
          useFactory: () => {
            const pool = new Pool({
              connectionString: options.connectionString,
              max: options.poolSize,
              application_name: 'saga-service',
            });
            // an idle connection that breaks (a server restart) must not end the process
            pool.on('error', () => undefined);
            return pool;
          },
        },
        {
          provide: FulfilmentStore,
          inject: [SAGA_POOL],
          useFactory: (pool: Pool) => {
            const store = new FulfilmentStore(pool, options.schema);
            trackDeadlines(() => store.deadlineCounts());
            return store;
          },
        },
        {
          provide: SagaSteps,
          inject: [FulfilmentStore, SAGA_POOL, SERVICE_LOGGER],
          useFactory: (store: FulfilmentStore, pool: Pool, logger: Logger) =>
            new SagaSteps(store, pool, { stepTimeoutMs: options.stepTimeoutMs, channel }, logger),
        },
        {
          provide: OutboxRelay,
          inject: [FulfilmentStore, MESSAGING, SERVICE_LOGGER],
          useFactory: (store: FulfilmentStore, messaging: KafkaMessaging, logger: Logger) =>
            new OutboxRelay(
              store,
              new KafkaRelayPublisher(messaging, () => options.partitions),
              new PostgresRelayLeadership({ connectionString: options.connectionString, logger }),
              {
                name: `saga-outbox:${options.schema}:${options.topicPrefix}`,
                connectionString: options.connectionString,
                channel,
              },
              logger.child({ component: 'saga-outbox' }),
            ),
        },
        {
          provide: DeadlineTimer,
          inject: [FulfilmentStore, SagaSteps, SERVICE_LOGGER],
          useFactory: (store: FulfilmentStore, steps: SagaSteps, logger: Logger) =>
            new DeadlineTimer(store, steps, logger.child({ component: 'saga-deadlines' }), {
              ...(options.timerMaxSleepMs !== undefined && { maxSleepMs: options.timerMaxSleepMs }),
            }),
        },
        FulfilmentLifecycle,
        FulfilmentMessageController,
        // It owns its tenants' rows (ADR 0031): it reports them provisioned, and purges them when asked.
        {
          provide: TENANT_STORAGE_OWNER,
          inject: [FulfilmentStore],
          useFactory: (store: FulfilmentStore) => sagaStorageOwner(store, options.schema),
        },
        TenantStorageOwnership,
      ],
      exports: [FulfilmentStore],
    };
  }
}
