import { z } from 'zod';
import type { Event } from '../message';
import { SLUG_PATTERN } from '../ids';

export const TENANT_STATUSES = ['draft', 'active', 'suspended', 'archived', 'deleted'] as const;
export const TENANT_PLANS = ['free', 'standard', 'enterprise'] as const;
export const TENANT_ISOLATIONS = ['shared', 'schema', 'dedicated'] as const;

export type TenantStatus = (typeof TENANT_STATUSES)[number];
export type TenantPlan = (typeof TENANT_PLANS)[number];
export type TenantIsolation = (typeof TENANT_ISOLATIONS)[number];

/**
 * Every lifecycle event carries the tenant's whole record after the change, so a consumer can
 * keep a local view of all tenants by reading `tenants.lifecycle` from the beginning.
 */
export const tenantSnapshotSchema = z.strictObject({
  tenantId: z.uuid(),
  slug: z.string().regex(SLUG_PATTERN),
  name: z.string().min(1).max(200),
  status: z.enum(TENANT_STATUSES),
  plan: z.enum(TENANT_PLANS),
  isolation: z.enum(TENANT_ISOLATIONS),
  region: z.string().min(1).max(64),
  version: z.number().int().min(1),
});

export type TenantSnapshot = z.infer<typeof tenantSnapshotSchema>;

export type TenantCreated = Event<'TenantCreated', TenantSnapshot>;
export type TenantActivated = Event<'TenantActivated', TenantSnapshot>;
export type TenantLifecycleEvent = TenantCreated | TenantActivated;

/** Stream of one tenant's own record in the registry: `tenant-<tenantId>`. */
export const tenantStreamName = (tenantId: string): string => `tenant-${tenantId}`;
