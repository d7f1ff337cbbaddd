import type { z } from 'zod';
import { addOrderItemSchema, createOrderSchema } from './orders/orders.commands';
import { orderCreatedSchema, orderItemAddedSchema } from './orders/orders.events';
import { tenantSnapshotSchema } from './tenants/tenants.events';
import {
  tenantArchivedSchema,
  tenantDeletedSchema,
  tenantManifestAppliedSchema,
  tenantPlanUpdatedSchema,
  tenantResumedSchema,
  tenantSuspendedSchema,
} from './tenants/tenants.lifecycle';
import { Topics } from './topics';

export interface MessageDefinition {
  /** Message name: imperative for commands, PascalCase past tense for events. */
  readonly name: string;
  readonly kind: 'command' | 'event';
  /** Bounded context; with the name it forms `ce_type` (`orders.OrderCreated`). */
  readonly context: 'orders' | 'tenants';
  readonly topic: string;
  readonly schemaVersion: number;
  readonly schema: z.ZodType;
}

/** Every message the platform sends, with its current schema version. One source of truth. */
export const messageRegistry: readonly MessageDefinition[] = [
  {
    name: 'CreateOrder',
    kind: 'command',
    context: 'orders',
    topic: Topics.ordersCommands,
    schemaVersion: 1,
    schema: createOrderSchema,
  },
  {
    name: 'AddOrderItem',
    kind: 'command',
    context: 'orders',
    topic: Topics.ordersCommands,
    schemaVersion: 1,
    schema: addOrderItemSchema,
  },
  {
    name: 'OrderCreated',
    kind: 'event',
    context: 'orders',
    topic: Topics.ordersEvents,
    schemaVersion: 1,
    schema: orderCreatedSchema,
  },
  {
    name: 'OrderItemAdded',
    kind: 'event',
    context: 'orders',
    topic: Topics.ordersEvents,
    schemaVersion: 1,
    schema: orderItemAddedSchema,
  },
  {
    name: 'TenantCreated',
    kind: 'event',
    context: 'tenants',
    topic: Topics.tenantsLifecycle,
    schemaVersion: 1,
    schema: tenantSnapshotSchema,
  },
  {
    name: 'TenantActivated',
    kind: 'event',
    context: 'tenants',
    topic: Topics.tenantsLifecycle,
    schemaVersion: 1,
    schema: tenantSnapshotSchema,
  },
  {
    name: 'TenantSuspended',
    kind: 'event',
    context: 'tenants',
    topic: Topics.tenantsLifecycle,
    schemaVersion: 1,
    schema: tenantSuspendedSchema,
  },
  {
    name: 'TenantResumed',
    kind: 'event',
    context: 'tenants',
    topic: Topics.tenantsLifecycle,
    schemaVersion: 1,
    schema: tenantResumedSchema,
  },
  {
    name: 'TenantArchived',
    kind: 'event',
    context: 'tenants',
    topic: Topics.tenantsLifecycle,
    schemaVersion: 1,
    schema: tenantArchivedSchema,
  },
  {
    name: 'TenantDeleted',
    kind: 'event',
    context: 'tenants',
    topic: Topics.tenantsLifecycle,
    schemaVersion: 1,
    schema: tenantDeletedSchema,
  },
  {
    name: 'TenantPlanUpdated',
    kind: 'event',
    context: 'tenants',
    topic: Topics.tenantsLifecycle,
    schemaVersion: 1,
    schema: tenantPlanUpdatedSchema,
  },
  {
    name: 'TenantManifestApplied',
    kind: 'event',
    context: 'tenants',
    topic: Topics.tenantsLifecycle,
    schemaVersion: 1,
    schema: tenantManifestAppliedSchema,
  },
];

export const ceTypeOf = (definition: Pick<MessageDefinition, 'context' | 'name'>): string =>
  `${definition.context}.${definition.name}`;

const byCeType = new Map(messageRegistry.map((definition) => [ceTypeOf(definition), definition]));

export const findMessageDefinition = (ceType: string): MessageDefinition | undefined => byCeType.get(ceType);

export function messageDefinition(context: MessageDefinition['context'], name: string): MessageDefinition {
  const definition = byCeType.get(`${context}.${name}`);
  if (!definition) throw new Error(`unknown message ${context}.${name}`);
  return definition;
}
