/**
 * The relay of a deployment: one per event store and Kafka destination. Every process that hosts a
 * relay of the same store and topic prefix (the command services, the tenant registry) uses this
 * name, so they campaign for one leadership and share one checkpoint; another topic prefix on the
 * same database is another relay (ADR 0007).
 */
export const relayNameOf = (eventStore: 'postgres' | 'eventstoredb', topicPrefix: string): string =>
  `${eventStore}->kafka:${topicPrefix}`;

/**
 * Where a relay starts the first time it runs for a deployment (no checkpoint yet): without a topic
 * prefix, at the beginning (everything the store holds is published); with one, after what the
 * store holds then: a prefixed deployment (a test run, a preview) shares the database with others,
 * and the store's history is not its own (ADR 0007).
 */
export const relayStartOf = (topicPrefix: string): 'beginning' | 'end' =>
  topicPrefix === '' ? 'beginning' : 'end';
