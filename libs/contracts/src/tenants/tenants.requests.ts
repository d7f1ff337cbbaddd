import { z } from 'zod';
import { SLUG_PATTERN } from '../ids';
import { TENANT_ISOLATIONS, TENANT_PLANS, TENANT_STATUSES } from './tenants.events';

/**
 * The control plane's request bodies and query strings (contract section 4): the tenant registry
 * validates with them and the OpenAPI document is generated from them.
 */

/** `POST /v1/tenants` body; `plan`, `isolation` and `region` have defaults. */
export const createTenantBodySchema = z.strictObject({
  slug: z.string().regex(SLUG_PATTERN, 'lower-case letters, digits and "-", 3 to 63, starting with a letter'),
  name: z.string().min(1).max(200),
  plan: z.enum(TENANT_PLANS).default('free'),
  isolation: z.enum(TENANT_ISOLATIONS).default('schema'),
  region: z.string().min(1).max(64).optional(),
});

/** `GET /v1/tenants?status=&cursor=&limit=`. */
export const listTenantsQuerySchema = z.strictObject({
  status: z.enum(TENANT_STATUSES).optional(),
  cursor: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** `PATCH /v1/tenants/{id}` body. */
export const changePlanBodySchema = z.strictObject({ plan: z.enum(TENANT_PLANS) });

/** `POST /v1/tenants/{id}/suspend` body (optional). */
export const suspendTenantBodySchema = z.strictObject({ reason: z.string().min(1).max(500).optional() });

/** The most audit records one page answers. */
export const MAX_AUDIT_PAGE_SIZE = 1000;

/** `GET /v1/tenants/{id}/audit?after=&limit=`: records after a sequence number, oldest first. */
export const auditQuerySchema = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE_SIZE).default(MAX_AUDIT_PAGE_SIZE),
});

/** Roles an API key may carry: never `platform-admin`, a key acts in its own tenant only. */
export const API_KEY_ROLES = ['tenant-admin', 'member', 'viewer'] as const;

/** `POST /v1/tenants/{id}/api-keys` body. */
export const createApiKeyBodySchema = z.strictObject({
  name: z.string().min(1).max(200),
  roles: z.array(z.enum(API_KEY_ROLES)).min(1).max(3).default(['member']),
});

/** `POST /v1/tenants/{id}/webhooks` body; without `secret` the registry makes one. */
export const subscribeWebhookBodySchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(2_000),
  events: z.array(z.string().min(1).max(200)).min(1).max(50),
  secret: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, '"whsec_" and the base64 of 24 to 64 random bytes')
    .optional(),
});

/** `POST /v1/tenants/import?slug=&name=`: the new tenant of a restored archive (ADR 0034). */
export const importTenantQuerySchema = z.strictObject({
  slug: z.string().regex(SLUG_PATTERN, 'must be a slug: ^[a-z][a-z0-9-]{2,62}$'),
  name: z.string().min(1).max(200).optional(),
});
