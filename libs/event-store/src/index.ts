export * from './event-store.port';
export * from './errors';
export { EventStoreModule, type EventStoreModuleAsyncOptions } from './event-store.module';
export {
  PostgresEventStore,
  type PostgresEventStoreConfig,
  type PostgresEventStoreOptions,
} from './postgres/postgres-event-store';
export { describeEventStoreContract, type EventStoreUnderTest } from './testing/event-store.contract';
