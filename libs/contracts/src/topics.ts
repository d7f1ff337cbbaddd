/** Base topic names (contract section 6). Prefix them with {@link topicName}. */
export const Topics = {
  ordersCommands: 'orders.commands',
  ordersEvents: 'orders.events',
  inventoryCommands: 'inventory.commands',
  inventoryEvents: 'inventory.events',
  paymentsCommands: 'payments.commands',
  paymentsEvents: 'payments.events',
  tenantsLifecycle: 'tenants.lifecycle',
  /** Internal: per-tenant storage, between the registry and the services that own it (ADR 0031). */
  tenantsStorage: 'tenants.storage',
  /** Internal: API key records (hashes, never secrets) for every service's local key view. */
  tenantsApiKeys: 'tenants.api-keys',
} as const;

export type TopicBase = (typeof Topics)[keyof typeof Topics];

export const topicName = (prefix: string, base: string): string => `${prefix}${base}`;

/** Dead-letter topic of a topic: `<topic>.dlq`. */
export const dlqTopic = (topic: string): string => `${topic}.dlq`;

/**
 * Reply topic of one instance of a requesting service. Each instance owns one, so replies never
 * land on a partition another instance reads (the request-reply pitfall of shared reply topics).
 */
export const replyTopic = (prefix: string, service: string, instanceId: string): string =>
  `${prefix}replies.${service}.${instanceId}`;
