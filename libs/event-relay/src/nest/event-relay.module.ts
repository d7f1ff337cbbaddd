import {
  Inject,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type InjectionToken,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@platform/event-store';
import { MESSAGING, type KafkaMessaging } from '@platform/messaging';
import type { Logger } from '@platform/observability';
import { EventRelay } from '../event-relay';
import { KafkaRelayPublisher } from '../kafka/kafka-relay-publisher';
import { PostgresCheckpointStore } from '../postgres/postgres-checkpoint-store';
import { PostgresRelayLeadership } from '../postgres/postgres-leadership';
import type { BatchingOptions } from '../relay-batcher';

/** Nest token of the process's {@link EventRelay}. */
export const EVENT_RELAY = Symbol('EVENT_RELAY');
const RELAY_CHECKPOINTS = Symbol('RELAY_CHECKPOINTS');
const RELAY_CONFIG = Symbol('RELAY_CONFIG');

export interface EventRelayModuleConfig {
  /** See {@link EventRelayOptions.name}: one per (event store, topic prefix). */
  readonly name: string;
  /**
   * PostgreSQL that holds the relay's checkpoint table and leadership lock, whatever the event store
   * (with EventStoreDB too).
   */
  readonly connectionString: string;
  readonly logger: Logger;
  /** Schema of `relay_checkpoints`; default `event_relay`. */
  readonly checkpointSchema?: string;
  /** Partitions of a topic the relay has to create (full name); default 6. */
  readonly partitionsOf?: (topic: string) => number;
  readonly batching?: Partial<BatchingOptions>;
  /** See {@link EventRelayOptions.startFrom}; default `'beginning'`. */
  readonly startFrom?: 'beginning' | 'end';
}

export interface EventRelayModuleAsyncOptions {
  readonly inject?: InjectionToken[];
  readonly useFactory: (...args: never[]) => EventRelayModuleConfig;
}

class EventRelayLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    @Inject(EVENT_RELAY) private readonly relay: EventRelay,
    @Inject(RELAY_CHECKPOINTS) private readonly checkpoints: PostgresCheckpointStore,
  ) {}

  /**
   * Once every module is up, before the service listens (and takes writes): record where a relay
   * that never ran starts, then campaign for leadership in the background.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.relay.initialize();
    this.relay.start();
  }

  /** Before the producer flushes and closes: publish what is in hand, release leadership. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.checkpoints.close();
  }
}

/**
 * Runs an {@link EventRelay} in a service: the event store (`EVENT_STORE`) to Kafka (`MESSAGING`),
 * checkpoint and leadership in PostgreSQL. Every instance of the service campaigns; one relays.
 * Started once the application is up, stopped before the producer closes.
 *
 * @example
 * ```ts
 * EventRelayModule.forRootAsync({
 *   useFactory: () => ({ name: `postgres->kafka:${config.KAFKA_TOPIC_PREFIX}`,
 *     connectionString: config.DATABASE_URL, logger }),
 * })
 * ```
 */
@Module({})
export class EventRelayModule {
  static forRootAsync(options: EventRelayModuleAsyncOptions): DynamicModule {
    return {
      module: EventRelayModule,
      providers: [
        { provide: RELAY_CONFIG, inject: options.inject ?? [], useFactory: options.useFactory },
        {
          provide: RELAY_CHECKPOINTS,
          inject: [RELAY_CONFIG],
          useFactory: async (config: EventRelayModuleConfig) => {
            const checkpoints = PostgresCheckpointStore.create({
              connectionString: config.connectionString,
              ...(config.checkpointSchema !== undefined && { schema: config.checkpointSchema }),
            });
            try {
              await checkpoints.migrate();
            } catch (error) {
              await checkpoints.close();
              throw error;
            }
            return checkpoints;
          },
        },
        {
          provide: EVENT_RELAY,
          inject: [RELAY_CONFIG, RELAY_CHECKPOINTS, EVENT_STORE, MESSAGING],
          useFactory: (
            config: EventRelayModuleConfig,
            checkpoints: PostgresCheckpointStore,
            store: EventStore,
            messaging: KafkaMessaging,
          ) =>
            new EventRelay({
              name: config.name,
              store,
              publisher: new KafkaRelayPublisher(messaging, config.partitionsOf),
              checkpoints,
              leadership: new PostgresRelayLeadership({
                connectionString: config.connectionString,
                logger: config.logger,
              }),
              logger: config.logger,
              ...(config.batching !== undefined && { batching: config.batching }),
              ...(config.startFrom !== undefined && { startFrom: config.startFrom }),
            }),
        },
        EventRelayLifecycle,
      ],
      exports: [EVENT_RELAY],
    };
  }
}
