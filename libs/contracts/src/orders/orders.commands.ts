import { z } from 'zod';
import type { Command } from '../message';
import { AMOUNT_PATTERN, CURRENCY_PATTERN } from '../money';

export const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const moneySchema = z.strictObject({
  amount: z.string().regex(AMOUNT_PATTERN, 'a decimal string with at most 4 fractional digits, e.g. "12.50"'),
  currency: z.string().regex(CURRENCY_PATTERN, 'an ISO 4217 code, e.g. "EUR"'),
});

/** `POST /v1/orders` body. */
export const createOrderBodySchema = z.strictObject({
  customerId: z.string().min(1).max(100),
});

/** `POST /v1/orders/{id}/items` body. */
export const addOrderItemBodySchema = z.strictObject({
  sku: z.string().regex(SKU_PATTERN, 'letters, digits, ".", "_" or "-", at most 64'),
  quantity: z.number().int().min(1).max(10_000),
  unitPrice: moneySchema,
});

export const createOrderSchema = createOrderBodySchema.extend({ orderId: z.uuid() });
export const addOrderItemSchema = addOrderItemBodySchema.extend({ orderId: z.uuid() });

export type CreateOrderData = z.infer<typeof createOrderSchema>;
export type AddOrderItemData = z.infer<typeof addOrderItemSchema>;

export type CreateOrder = Command<'CreateOrder', CreateOrderData>;
export type AddOrderItem = Command<'AddOrderItem', AddOrderItemData>;
export type OrderCommand = CreateOrder | AddOrderItem;
