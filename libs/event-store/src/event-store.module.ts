import {
  type DynamicModule,
  type FactoryProvider,
  Global,
  Inject,
  Module,
  type ModuleMetadata,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { EVENT_STORE, type EventStore } from './event-store.port';
import { KurrentEventStore } from './eventstoredb/kurrent-event-store';
import { type PostgresEventStoreConfig, PostgresEventStore } from './postgres/postgres-event-store';

/** Which adapter: PostgreSQL (the default, `EVENT_STORE=postgres`) or EventStoreDB/KurrentDB. */
export type EventStoreModuleConfig =
  | (PostgresEventStoreConfig & { readonly kind?: 'postgres' })
  | { readonly kind: 'eventstoredb'; readonly connectionString: string };

export interface EventStoreModuleAsyncOptions<TDeps extends unknown[] = unknown[]> {
  imports?: ModuleMetadata['imports'];
  /** Providers passed, in order, to `useFactory`. */
  inject?: FactoryProvider['inject'];
  useFactory: (...deps: TDeps) => EventStoreModuleConfig | Promise<EventStoreModuleConfig>;
}

/**
 * Provides the {@link EventStore} port under {@link EVENT_STORE}, globally: a PostgreSQL store on its own
 * pool, migrated before the application starts and closed on application shutdown.
 *
 * @example
 * ```ts
 * EventStoreModule.forRootAsync({
 *   inject: [AppConfig],
 *   useFactory: (config: AppConfig) => ({ connectionString: config.databaseUrl, poolSize: 20 }),
 * })
 * ```
 */
@Global()
@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  static forRootAsync<TDeps extends unknown[]>(options: EventStoreModuleAsyncOptions<TDeps>): DynamicModule {
    return {
      module: EventStoreModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        {
          provide: EVENT_STORE,
          inject: options.inject ?? [],
          useFactory: async (...deps: unknown[]): Promise<EventStore> => {
            // Nest resolves `inject` in order, so the values have the types the caller declared.
            const config = await options.useFactory(...(deps as TDeps));
            return createMigratedStore(config);
          },
        },
      ],
      exports: [EVENT_STORE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

async function createMigratedStore(config: EventStoreModuleConfig): Promise<EventStore> {
  if (config.kind === 'eventstoredb')
    return KurrentEventStore.create({ connectionString: config.connectionString });
  const store = await PostgresEventStore.create(config);
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
