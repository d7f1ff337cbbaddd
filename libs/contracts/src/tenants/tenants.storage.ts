import { z } from 'zod';
import type { Event } from '../message';
import { TENANT_ISOLATIONS } from './tenants.events';

// Data ownership (ADR 0031): each service provisions and purges its own per-tenant storage and
// reports on `tenants.storage`; the registry activates a tenant once every owner reported it ready,
// and records its deletion once every owner reported it purged.

/** A service that owns per-tenant storage: its service name (`projection-service`, `saga-service`). */
export const STORAGE_OWNER_PATTERN = /^[a-z][a-z0-9-]{1,62}$/;

/** The registry asks every owner to purge an archived tenant whose deletion was requested. */
export const tenantStoragePurgeRequestedSchema = z.strictObject({
  tenantId: z.uuid(),
  isolation: z.enum(TENANT_ISOLATIONS),
});

/** An owner's storage for the tenant exists and is current (its migrations ran). */
export const tenantStorageProvisionedSchema = z.strictObject({
  tenantId: z.uuid(),
  owner: z.string().regex(STORAGE_OWNER_PATTERN),
  /** What it is, for people: `schema tenant_…`, `rows of schema … under row-level security`. */
  description: z.string().min(1).max(500),
});

/** An owner removed everything it held for the tenant. */
export const tenantStoragePurgedSchema = z.strictObject({
  tenantId: z.uuid(),
  owner: z.string().regex(STORAGE_OWNER_PATTERN),
  /** Objects removed: schemas or databases dropped, rows deleted (0 on a repeat). */
  objects: z.number().int().min(0),
  description: z.string().min(1).max(500),
});

export type TenantStoragePurgeRequested = Event<
  'TenantStoragePurgeRequested',
  z.infer<typeof tenantStoragePurgeRequestedSchema>
>;
export type TenantStorageProvisioned = Event<
  'TenantStorageProvisioned',
  z.infer<typeof tenantStorageProvisionedSchema>
>;
export type TenantStoragePurged = Event<'TenantStoragePurged', z.infer<typeof tenantStoragePurgedSchema>>;
