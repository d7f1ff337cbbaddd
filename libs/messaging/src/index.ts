export * from './kafka-messaging';
export * from './messaging.module';
export * from './outgoing';
export * from './topic-admin';
export type { ConsumedMessage, MessageHandler } from './consumer/consumed-message';
export { NonRetriableError } from './consumer/consumed-message';
export type { Subscription, SubscriptionOptions } from './consumer/subscription';
export type { ReplyListener } from './request-reply';
