import { z } from 'zod';
import type { Event } from '../message';
import { MANIFEST_HASH_PATTERN, tenantPurgeSummarySchema } from './tenants.commands';
import {
  TENANT_PLANS,
  tenantSnapshotSchema,
  type TenantActivated,
  type TenantCreated,
} from './tenants.events';
import { tenantManifestSpecSchema } from './tenants.manifest';

// Each lifecycle event is the tenant's whole snapshot after the change (status fixed by the event)
// plus what is specific to the change.

export const tenantSuspendedSchema = tenantSnapshotSchema.extend({
  status: z.literal('suspended'),
  previousStatus: z.literal('active'),
  reason: z.string().min(1).max(500),
});

export const tenantResumedSchema = tenantSnapshotSchema.extend({
  status: z.literal('active'),
  previousStatus: z.literal('suspended'),
});

export const tenantArchivedSchema = tenantSnapshotSchema.extend({
  status: z.literal('archived'),
  previousStatus: z.enum(['active', 'suspended']),
});

export const tenantDeletedSchema = tenantSnapshotSchema.extend({
  status: z.literal('deleted'),
  previousStatus: z.literal('archived'),
  purged: tenantPurgeSummarySchema,
});

export const tenantPlanUpdatedSchema = tenantSnapshotSchema.extend({
  previousPlan: z.enum(TENANT_PLANS),
});

/** A manifest was accepted: its version, its hash and the desired spec it states. */
export const tenantManifestAppliedSchema = tenantSnapshotSchema.extend({
  manifestVersion: z.number().int().min(1),
  manifestHash: z.string().regex(MANIFEST_HASH_PATTERN),
  spec: tenantManifestSpecSchema,
});

export type TenantSuspended = Event<'TenantSuspended', z.infer<typeof tenantSuspendedSchema>>;
export type TenantResumed = Event<'TenantResumed', z.infer<typeof tenantResumedSchema>>;
export type TenantArchived = Event<'TenantArchived', z.infer<typeof tenantArchivedSchema>>;
export type TenantDeleted = Event<'TenantDeleted', z.infer<typeof tenantDeletedSchema>>;
export type TenantPlanUpdated = Event<'TenantPlanUpdated', z.infer<typeof tenantPlanUpdatedSchema>>;
export type TenantManifestApplied = Event<
  'TenantManifestApplied',
  z.infer<typeof tenantManifestAppliedSchema>
>;

/** Every event of a tenant's own stream, all published on `tenants.lifecycle`. */
export type TenantEvent =
  | TenantCreated
  | TenantActivated
  | TenantSuspended
  | TenantResumed
  | TenantArchived
  | TenantDeleted
  | TenantPlanUpdated
  | TenantManifestApplied;

/**
 * Reads the snapshot out of any `tenants.lifecycle` event, dropping the fields specific to the
 * change. A consumer that keeps a local view of tenants parses with this one schema, whatever the
 * event type; the strict {@link tenantSnapshotSchema} accepts only `TenantCreated` and `TenantActivated`.
 */
export const tenantSnapshotOfEventSchema = z.object(tenantSnapshotSchema.shape);
