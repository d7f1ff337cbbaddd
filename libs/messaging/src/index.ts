export * from './kafka-messaging';
export * from './dead-letters';
export * from './messaging.module';
export * from './outgoing';
export * from './topic-admin';
export { isRetriable, retryKafka, type KafkaRetryOptions } from './kafka-retry';
export { KafkaUnavailableError, type SendOptions } from './batching-producer';
export type {
  BatchContext,
  BatchHandler,
  BeforeDeadLetter,
  ConsumedMessage,
  HandlerFailure,
  MessageHandler,
} from './consumer/consumed-message';
export { NonRetriableError } from './consumer/consumed-message';
export type {
  BatchOptions,
  CommonSubscriptionOptions,
  PerMessageOptions,
  Subscription,
  SubscriptionOptions,
} from './consumer/subscription';
export { tenantContextOf } from './consumer/decode-message';
export type { ReplyListener } from './request-reply';
