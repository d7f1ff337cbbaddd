import { z } from 'zod';
import type { Event } from '../message';
import { moneySchema, SKU_PATTERN } from './orders.commands';

export const orderCreatedSchema = z.strictObject({
  orderId: z.uuid(),
  customerId: z.string().min(1).max(100),
});

export const orderItemAddedSchema = z.strictObject({
  orderId: z.uuid(),
  sku: z.string().regex(SKU_PATTERN),
  quantity: z.number().int().min(1),
  unitPrice: moneySchema,
});

export type OrderCreated = Event<'OrderCreated', z.infer<typeof orderCreatedSchema>>;
export type OrderItemAdded = Event<'OrderItemAdded', z.infer<typeof orderItemAddedSchema>>;
export type OrderEvent = OrderCreated | OrderItemAdded;

/** Stream of one order inside its tenant: `order-<orderId>`. */
export const orderStreamName = (orderId: string): string => `order-${orderId}`;
