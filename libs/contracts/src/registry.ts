import type { z } from 'zod';
import {
  createProductSchema,
  orderStockSchema,
  reserveStockSchema,
  restockProductSchema,
} from './inventory/inventory.commands';
import {
  productCreatedSchema,
  productRestockedSchema,
  stockCommittedSchema,
  stockReleasedSchema,
  stockReservationRejectedSchema,
  stockReservedSchema,
} from './inventory/inventory.events';
import {
  addOrderItemSchema,
  cancelOrderSchema,
  confirmOrderSchema,
  createOrderSchema,
  orderStepSchema,
} from './orders/orders.commands';
import {
  orderCancelledSchema,
  orderConfirmedSchema,
  orderCreatedSchema,
  orderItemAddedSchema,
  orderStepDoneSchema,
} from './orders/orders.events';
import {
  chargePaymentSchema,
  recordChargeOutcomeSchema,
  refundPaymentSchema,
} from './payments/payments.commands';
import {
  paymentChargedSchema,
  paymentDeclinedSchema,
  paymentRefundedSchema,
  paymentRequestedSchema,
  paymentVoidedSchema,
} from './payments/payments.events';
import { tenantSnapshotSchema } from './tenants/tenants.events';
import {
  tenantArchivedSchema,
  tenantDeletedSchema,
  tenantManifestAppliedSchema,
  tenantPlanUpdatedSchema,
  tenantResumedSchema,
  tenantSuspendedSchema,
} from './tenants/tenants.lifecycle';
import {
  tenantStorageProvisionedSchema,
  tenantStoragePurgedSchema,
  tenantStoragePurgeRequestedSchema,
} from './tenants/tenants.storage';
import { Topics } from './topics';

export interface MessageDefinition {
  /** Message name: imperative for commands, PascalCase past tense for events. */
  readonly name: string;
  readonly kind: 'command' | 'event';
  /** Bounded context; with the name it forms `ce_type` (`orders.OrderCreated`). */
  readonly context: 'orders' | 'inventory' | 'payments' | 'tenants';
  readonly topic: string;
  readonly schemaVersion: number;
  readonly schema: z.ZodType;
}

/** Version-1 definitions of one context's messages of one kind on one topic. */
function definitions(
  kind: MessageDefinition['kind'],
  context: MessageDefinition['context'],
  topic: string,
  schemas: Record<string, z.ZodType>,
): MessageDefinition[] {
  return Object.entries(schemas).map(([name, schema]) => ({
    name,
    kind,
    context,
    topic,
    schemaVersion: 1,
    schema,
  }));
}
const commands = definitions.bind(undefined, 'command');
const events = definitions.bind(undefined, 'event');

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
  ...commands('orders', Topics.ordersCommands, {
    ConfirmOrder: confirmOrderSchema,
    CancelOrder: cancelOrderSchema,
    RecordOrderReservation: orderStepSchema,
    RecordOrderPayment: orderStepSchema,
    ShipOrder: orderStepSchema,
  }),
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
  ...events('orders', Topics.ordersEvents, {
    OrderConfirmed: orderConfirmedSchema,
    OrderReserved: orderStepDoneSchema,
    OrderPaid: orderStepDoneSchema,
    OrderShipped: orderStepDoneSchema,
    OrderCancelled: orderCancelledSchema,
  }),
  ...commands('inventory', Topics.inventoryCommands, {
    CreateProduct: createProductSchema,
    RestockProduct: restockProductSchema,
    ReserveStock: reserveStockSchema,
    ReleaseStock: orderStockSchema,
    CommitStock: orderStockSchema,
  }),
  ...events('inventory', Topics.inventoryEvents, {
    ProductCreated: productCreatedSchema,
    ProductRestocked: productRestockedSchema,
    StockReserved: stockReservedSchema,
    StockReservationRejected: stockReservationRejectedSchema,
    StockReleased: stockReleasedSchema,
    StockCommitted: stockCommittedSchema,
  }),
  ...commands('payments', Topics.paymentsCommands, {
    ChargePayment: chargePaymentSchema,
    RecordChargeOutcome: recordChargeOutcomeSchema,
    RefundPayment: refundPaymentSchema,
  }),
  ...events('payments', Topics.paymentsEvents, {
    PaymentRequested: paymentRequestedSchema,
    PaymentCharged: paymentChargedSchema,
    PaymentDeclined: paymentDeclinedSchema,
    PaymentRefunded: paymentRefundedSchema,
    PaymentVoided: paymentVoidedSchema,
  }),
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
  ...events('tenants', Topics.tenantsStorage, {
    TenantStoragePurgeRequested: tenantStoragePurgeRequestedSchema,
    TenantStorageProvisioned: tenantStorageProvisionedSchema,
    TenantStoragePurged: tenantStoragePurgedSchema,
  }),
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
