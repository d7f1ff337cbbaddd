export * from './event-relay';
export * from './checkpoint-store.port';
export * from './leadership.port';
export * from './relay-publisher.port';
export { relayNameOf, relayStartOf } from './relay-naming';
export { routeByRegistry, type EventRoute, type EventRouter } from './event-routing';
export { aggregateIdOf, messageTenantOf, PLATFORM_TENANT_ID, toOutgoingMessage } from './event-message';
export type { BatchingOptions } from './relay-batcher';
export { KafkaRelayPublisher } from './kafka/kafka-relay-publisher';
export {
  PostgresCheckpointStore,
  type PostgresCheckpointStoreConfig,
} from './postgres/postgres-checkpoint-store';
export { PostgresRelayLeadership, type PostgresLeadershipConfig } from './postgres/postgres-leadership';
export {
  EVENT_RELAY,
  EventRelayModule,
  type EventRelayModuleAsyncOptions,
  type EventRelayModuleConfig,
} from './nest/event-relay.module';
