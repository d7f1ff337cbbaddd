import { z } from 'zod';
import type { Command } from '../message';
import { SLUG_PATTERN } from '../ids';
import { TENANT_ISOLATIONS, TENANT_PLANS } from './tenants.events';
import { REGION_PATTERN, tenantManifestSchema } from './tenants.manifest';

/** `sha256:` and the hex digest of a manifest's canonical spec. */
export const MANIFEST_HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;

const count = z.number().int().min(0);

/** What deleting a tenant removed, recorded in its `TenantDeleted` event and in the audit. */
export const tenantPurgeSummarySchema = z.strictObject({
  events: count,
  /** Rows, or schema / database objects, removed from the tenant's read models. */
  readModels: count,
  checkpoints: count,
  deadLetters: count,
  idempotencyRecords: count,
});

const tenantId = z.uuid();

export const createTenantSchema = z.strictObject({
  tenantId,
  slug: z.string().regex(SLUG_PATTERN),
  name: z.string().min(1).max(200),
  plan: z.enum(TENANT_PLANS),
  isolation: z.enum(TENANT_ISOLATIONS),
  region: z.string().regex(REGION_PATTERN),
});
export const activateTenantSchema = z.strictObject({ tenantId });
export const suspendTenantSchema = z.strictObject({ tenantId, reason: z.string().min(1).max(500) });
export const resumeTenantSchema = z.strictObject({ tenantId });
export const archiveTenantSchema = z.strictObject({ tenantId });
export const deleteTenantSchema = z.strictObject({ tenantId, purged: tenantPurgeSummarySchema });
export const changePlanSchema = z.strictObject({ tenantId, plan: z.enum(TENANT_PLANS) });
export const applyManifestSchema = z.strictObject({
  tenantId,
  manifest: tenantManifestSchema,
  hash: z.string().regex(MANIFEST_HASH_PATTERN),
});

export type TenantPurgeSummary = z.infer<typeof tenantPurgeSummarySchema>;

export type CreateTenant = Command<'CreateTenant', z.infer<typeof createTenantSchema>>;
/** Sent once the tenant's isolation (schema, database or row policies) is provisioned. */
export type ActivateTenant = Command<'ActivateTenant', z.infer<typeof activateTenantSchema>>;
export type SuspendTenant = Command<'SuspendTenant', z.infer<typeof suspendTenantSchema>>;
export type ResumeTenant = Command<'ResumeTenant', z.infer<typeof resumeTenantSchema>>;
export type ArchiveTenant = Command<'ArchiveTenant', z.infer<typeof archiveTenantSchema>>;
/** Sent once the tenant's data is purged, with what was removed. */
export type DeleteTenant = Command<'DeleteTenant', z.infer<typeof deleteTenantSchema>>;
export type ChangePlan = Command<'ChangePlan', z.infer<typeof changePlanSchema>>;
export type ApplyManifest = Command<'ApplyManifest', z.infer<typeof applyManifestSchema>>;

/**
 * The tenant registry's commands. They are handled inside the registry and never travel on Kafka,
 * so they have schemas (for the edges that build them) but no entry in the message registry.
 */
export type TenantCommand =
  | CreateTenant
  | ActivateTenant
  | SuspendTenant
  | ResumeTenant
  | ArchiveTenant
  | DeleteTenant
  | ChangePlan
  | ApplyManifest;
