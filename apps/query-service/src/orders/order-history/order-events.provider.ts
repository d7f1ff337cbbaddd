import type { Provider } from '@nestjs/common';
import { KurrentEventStore, PostgresEventStore, type EventStore } from '@platform/event-store';
import { readinessCheck, SERVICE_CONFIG } from '@platform/service-kit';
import type { QueryServiceConfig } from '../../config';

/** The event store, read by the query side for orders' histories (their streams, nothing else). */
export const ORDER_EVENTS = Symbol('ORDER_EVENTS');

/**
 * The store the command service appends to (`EVENT_STORE`): PostgreSQL on `DATABASE_URL` (a small
 * pool of its own; no migration, no wake-up listener: this side only reads streams), or EventStoreDB.
 * Closed on shutdown.
 */
export const OrderEventsProvider: Provider = {
  provide: ORDER_EVENTS,
  inject: [SERVICE_CONFIG],
  useFactory: async (config: QueryServiceConfig): Promise<EventStore> => {
    const store: EventStore =
      config.EVENT_STORE === 'eventstoredb' && config.EVENTSTOREDB_URL !== undefined
        ? KurrentEventStore.create({ connectionString: config.EVENTSTOREDB_URL })
        : await PostgresEventStore.create({
            connectionString: config.DATABASE_URL,
            poolSize: Math.max(2, Math.ceil(config.DATABASE_POOL_SIZE / 2)),
            wakeOnAppend: false,
          });
    return Object.assign(store, { onApplicationShutdown: () => store.close() });
  },
};

export const OrderEventsReadiness = readinessCheck('event-store', ORDER_EVENTS, (store: EventStore) =>
  store.ping(),
);
