import { z } from 'zod';
import {
  API_KEY_ROLES,
  ORDER_STATUSES,
  TENANT_ISOLATIONS,
  TENANT_PLANS,
  TENANT_STATUSES,
} from '@platform/contracts';

/**
 * What the routes answer (contract sections 4 and 5), as zod schemas for the OpenAPI document.
 * Objects the platform builds field by field are closed (`z.object`: an extra field is a
 * mismatch); records that carry open data (audit states, event data) are `z.looseObject`.
 */
const count = z.number().int().min(0);
const instant = z.string().min(1);

/** A command's answer: the aggregate's new version and the event's global position. */
export const appendedSchema = z.object({ version: count, position: count });
export const orderAppendedSchema = appendedSchema.extend({ orderId: z.uuid() });
export const productAppendedSchema = appendedSchema.extend({ sku: z.string() });

const money = z.object({ amount: z.string(), currency: z.string() });

export const orderSchema = z.object({
  id: z.uuid(),
  customerId: z.string(),
  status: z.enum(ORDER_STATUSES),
  items: z.array(z.object({ sku: z.string(), quantity: z.number().int(), unitPrice: money })),
  totalAmount: z.string(),
  currency: z.string().nullable(),
  itemCount: count,
  createdAt: instant,
  updatedAt: instant,
  version: count,
});

export const orderPageSchema = z.object({ items: z.array(orderSchema), nextCursor: z.string().nullable() });

export const orderSummarySchema = z.looseObject({ from: instant, to: instant, totalOrders: count });

export const orderHistorySchema = z.object({
  orderId: z.uuid(),
  events: z.array(
    z.object({
      type: z.string(),
      version: count,
      time: instant,
      actor: z.string(),
      data: z.looseObject({}),
    }),
  ),
});

export const productSchema = z.object({
  sku: z.string(),
  name: z.string(),
  available: count,
  reserved: count,
});

const condition = z.looseObject({
  type: z.string(),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string(),
  message: z.string(),
  lastTransitionTime: instant,
});

export const tenantSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  status: z.enum(TENANT_STATUSES),
  plan: z.enum(TENANT_PLANS),
  isolation: z.enum(TENANT_ISOLATIONS),
  region: z.string(),
  version: count,
  manifestVersion: count,
  manifestHash: z.string().optional(),
  conditions: z.array(condition),
  createdAt: instant,
  updatedAt: instant,
  deletionRequestedAt: instant.optional(),
});

export const tenantPageSchema = z.object({ items: z.array(tenantSchema), nextCursor: z.string().nullable() });

export const manifestAppliedSchema = z.object({ manifestVersion: count, tenant: tenantSchema });

export const auditPageSchema = z.object({
  records: z.array(z.looseObject({ sequence: count, action: z.string(), actor: z.string() })),
  verification: z.looseObject({ valid: z.boolean(), checked: count }),
});

const apiKey = z.object({
  id: z.string(),
  name: z.string(),
  roles: z.array(z.enum(API_KEY_ROLES)),
  createdAt: instant,
});
export const issuedApiKeySchema = apiKey.extend({ key: z.string() });
export const apiKeyListSchema = z.object({
  items: z.array(apiKey.extend({ revokedAt: instant.nullable() })),
});

const webhook = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  createdAt: instant,
});
export const createdWebhookSchema = webhook.extend({ secret: z.string() });
export const webhookListSchema = z.object({ items: z.array(webhook) });

export const webhookDeliverySchema = z.looseObject({
  id: z.string(),
  subscriptionId: z.string(),
  eventType: z.string(),
  status: z.string(),
  attempts: count,
});
export const webhookDeliveryListSchema = z.object({ items: z.array(webhookDeliverySchema) });
