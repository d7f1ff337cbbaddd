import { z } from 'zod';
import {
  addOrderItemBodySchema,
  auditQuerySchema,
  cancelOrderBodySchema,
  changePlanBodySchema,
  confirmOrderBodySchema,
  createApiKeyBodySchema,
  createOrderBodySchema,
  createProductBodySchema,
  createTenantBodySchema,
  importTenantQuerySchema,
  listOrdersQuerySchema,
  listTenantsQuerySchema,
  restockProductBodySchema,
  SKU_PATTERN,
  SLUG_PATTERN,
  subscribeWebhookBodySchema,
  summaryQuerySchema,
  suspendTenantBodySchema,
  tenantManifestSchema,
  type PublicRoute,
} from '@platform/contracts';
import type { OperationDoc } from '../openapi-document';
import {
  apiKeyListSchema,
  appendedSchema,
  auditPageSchema,
  createdWebhookSchema,
  issuedApiKeySchema,
  manifestAppliedSchema,
  orderAppendedSchema,
  orderHistorySchema,
  orderPageSchema,
  orderSchema,
  orderSummarySchema,
  productAppendedSchema,
  productSchema,
  tenantPageSchema,
  tenantSchema,
  webhookDeliveryListSchema,
  webhookDeliverySchema,
  webhookListSchema,
} from './response.schemas';

const orderId = { id: z.uuid() };
const sku = { sku: z.string().regex(SKU_PATTERN) };
/** A tenant in a control-plane path: its id or its slug. */
const tenantRef = { id: z.union([z.uuid(), z.string().regex(SLUG_PATTERN)]) };

const appended = (status: number, description: string): OperationDoc['responses'] => [
  { status, description, schema: appendedSchema, headers: ['ETag'] },
];
const tenantAnswer = (status: number, description: string): OperationDoc['responses'] => [
  { status, description, schema: tenantSchema, headers: ['ETag'] },
];

/**
 * The operations of the platform's public routes, keyed `METHOD path` as in `PUBLIC_ROUTES`. A route
 * missing here is still in the document (without schemas); the unit test requires one for each.
 */
export const PLATFORM_OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  'POST /v1/orders': {
    summary: 'Create an order',
    body: createOrderBodySchema,
    responses: [
      {
        status: 201,
        description: 'Created, as a draft.',
        schema: orderAppendedSchema,
        headers: ['ETag', 'Location'],
      },
    ],
    ifMatch: true,
  },
  'POST /v1/orders/{id}/items': {
    summary: 'Add an item to a draft order',
    body: addOrderItemBodySchema,
    params: orderId,
    responses: appended(200, 'Added.'),
    ifMatch: true,
  },
  'POST /v1/orders/{id}/confirm': {
    summary: 'Confirm an order',
    description:
      'The order is `confirmed` when this answers; the fulfilment saga then reserves, charges and ships.',
    body: confirmOrderBodySchema,
    params: orderId,
    responses: appended(202, 'Confirmed; the saga takes it on.'),
    ifMatch: true,
  },
  'POST /v1/orders/{id}/cancel': {
    summary: 'Cancel an order',
    body: cancelOrderBodySchema,
    params: orderId,
    responses: appended(200, 'Cancelled.'),
    ifMatch: true,
  },
  'GET /v1/orders': {
    summary: "A page of the tenant's orders, newest first",
    query: listOrdersQuerySchema,
    responses: [
      { status: 200, description: 'A page; `nextCursor` fetches the next.', schema: orderPageSchema },
    ],
  },
  'GET /v1/orders/summary': {
    summary: 'Order totals over a range of whole hours',
    query: summaryQuerySchema,
    responses: [{ status: 200, description: 'The summary.', schema: orderSummarySchema }],
  },
  'GET /v1/orders/{id}': {
    summary: 'An order',
    params: orderId,
    responses: [{ status: 200, description: 'The order.', schema: orderSchema, headers: ['ETag'] }],
    ifNoneMatch: true,
  },
  'GET /v1/orders/{id}/history': {
    summary: "An order's events, oldest first",
    params: orderId,
    responses: [{ status: 200, description: 'Its audit trail.', schema: orderHistorySchema }],
  },
  'POST /v1/products': {
    summary: 'Create a product with its stock',
    body: createProductBodySchema,
    responses: [
      { status: 201, description: 'Created.', schema: productAppendedSchema, headers: ['ETag', 'Location'] },
    ],
    ifMatch: true,
  },
  'POST /v1/products/{sku}/restock': {
    summary: 'Add stock',
    body: restockProductBodySchema,
    params: sku,
    responses: appended(200, 'Restocked.'),
    ifMatch: true,
  },
  'GET /v1/products/{sku}': {
    summary: 'A product and its stock',
    params: sku,
    responses: [{ status: 200, description: 'The product.', schema: productSchema, headers: ['ETag'] }],
  },
  'POST /v1/tenants': {
    summary: 'Create a tenant',
    description: 'A draft until its storage is provisioned; then it becomes `active` by itself.',
    body: createTenantBodySchema,
    responses: [
      {
        status: 202,
        description: 'Accepted, as a draft.',
        schema: tenantSchema,
        headers: ['ETag', 'Location'],
      },
    ],
  },
  'GET /v1/tenants': {
    summary: 'A page of tenants, newest first',
    query: listTenantsQuerySchema,
    responses: [
      { status: 200, description: 'A page; `nextCursor` fetches the next.', schema: tenantPageSchema },
    ],
  },
  'GET /v1/tenants/{id}': {
    summary: 'A tenant',
    params: tenantRef,
    responses: tenantAnswer(200, 'The tenant.'),
  },
  'PATCH /v1/tenants/{id}': {
    summary: "Change a tenant's plan",
    body: changePlanBodySchema,
    params: tenantRef,
    responses: tenantAnswer(200, 'Changed; quotas follow.'),
    ifMatch: true,
  },
  'DELETE /v1/tenants/{id}': {
    summary: 'Delete an archived tenant',
    description: 'Its data is purged, then the deletion is recorded; the id is never reused.',
    params: tenantRef,
    responses: [{ status: 202, description: 'The purge is under way.', schema: tenantSchema }],
    ifMatch: true,
  },
  'PUT /v1/tenants/{slug}/manifest': {
    summary: 'Apply a tenant manifest (JSON or YAML)',
    description: 'Declarative and idempotent; `application/yaml` is accepted too.',
    body: tenantManifestSchema,
    params: { slug: z.string().regex(SLUG_PATTERN) },
    responses: [
      { status: 200, description: 'Applied.', schema: manifestAppliedSchema },
      {
        status: 202,
        description: 'The tenant was created.',
        schema: manifestAppliedSchema,
        headers: ['Location'],
      },
    ],
    ifMatch: true,
  },
  'POST /v1/tenants/{id}/suspend': {
    summary: 'Suspend a tenant',
    body: suspendTenantBodySchema,
    bodyOptional: true,
    params: tenantRef,
    responses: tenantAnswer(200, 'Suspended: its writes are refused, its reads answer.'),
    ifMatch: true,
  },
  'POST /v1/tenants/{id}/resume': {
    summary: 'Resume a suspended tenant',
    params: tenantRef,
    responses: tenantAnswer(200, 'Active again.'),
    ifMatch: true,
  },
  'POST /v1/tenants/{id}/archive': {
    summary: 'Archive a tenant',
    params: tenantRef,
    responses: tenantAnswer(200, 'Archived.'),
    ifMatch: true,
  },
  'GET /v1/tenants/{id}/audit': {
    summary: "A tenant's audit records, oldest first, and whether the chain holds",
    query: auditQuerySchema,
    params: tenantRef,
    responses: [{ status: 200, description: 'Records and their verification.', schema: auditPageSchema }],
  },
  'GET /v1/tenants/{id}/export': {
    summary: "A tenant's archive (ADR 0034)",
    description:
      "Streamed as `application/gzip` (NDJSON inside): the tenant, its events, its audit chain, its API keys' and " +
      "webhooks' metadata (no secrets), and a manifest of counts and SHA-256 checksums, last.",
    params: tenantRef,
    responses: [{ status: 200, description: 'The archive, `application/gzip`.' }],
  },
  'POST /v1/tenants/import': {
    summary: 'Restore an archive into a new tenant (ADR 0034)',
    description:
      'The body is an archive of `GET /v1/tenants/{id}/export` (`application/gzip`); it is verified whole ' +
      'before anything is written, and a tampered or cut one is a `400`. Any other body is a `415`.',
    query: importTenantQuerySchema,
    binaryBody: 'application/gzip',
    responses: [{ status: 201, description: 'The new tenant and what was restored.', headers: ['Location'] }],
  },
  'POST /v1/tenants/{id}/api-keys': {
    summary: 'Issue an API key (shown once)',
    body: createApiKeyBodySchema,
    params: tenantRef,
    responses: [{ status: 201, description: 'The key, shown this once.', schema: issuedApiKeySchema }],
  },
  'GET /v1/tenants/{id}/api-keys': {
    summary: "A tenant's API keys",
    params: tenantRef,
    responses: [{ status: 200, description: 'The keys, without their secrets.', schema: apiKeyListSchema }],
  },
  'DELETE /v1/tenants/{id}/api-keys/{keyId}': {
    summary: 'Revoke an API key',
    params: tenantRef,
    responses: [{ status: 204, description: 'Revoked.' }],
  },
  'POST /v1/tenants/{id}/webhooks': {
    summary: 'Subscribe a webhook',
    body: subscribeWebhookBodySchema,
    params: tenantRef,
    responses: [
      {
        status: 201,
        description: 'Subscribed; the secret is shown this once.',
        schema: createdWebhookSchema,
      },
    ],
  },
  'GET /v1/tenants/{id}/webhooks': {
    summary: "A tenant's webhooks",
    params: tenantRef,
    responses: [{ status: 200, description: 'The subscriptions.', schema: webhookListSchema }],
  },
  'DELETE /v1/tenants/{id}/webhooks/{webhookId}': {
    summary: 'Unsubscribe a webhook',
    params: tenantRef,
    responses: [{ status: 204, description: 'Unsubscribed.' }],
  },
  'GET /v1/tenants/{id}/webhooks/dead-letters': {
    summary: 'Deliveries that failed every attempt, oldest first',
    params: tenantRef,
    responses: [{ status: 200, description: 'The dead letters.', schema: webhookDeliveryListSchema }],
  },
  'POST /v1/tenants/{id}/webhooks/dead-letters/{deliveryId}/requeue': {
    summary: 'Send a dead letter again',
    params: tenantRef,
    responses: [{ status: 200, description: 'Requeued.', schema: webhookDeliverySchema }],
  },
};

/** The key of a route in {@link PLATFORM_OPERATIONS}. */
export const operationKey = (route: PublicRoute): string => `${route.method} ${route.path}`;
