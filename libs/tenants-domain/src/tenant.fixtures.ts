// Shared by the specs: one tenant, the events that bring it to each status, one command of each type.
import type {
  TenantActivated,
  TenantArchived,
  TenantCommand,
  TenantCreated,
  TenantDeleted,
  TenantEvent,
  TenantManifest,
  TenantManifestApplied,
  TenantPlanUpdated,
  TenantPurgeSummary,
  TenantResumed,
  TenantSnapshot,
  TenantStatus,
  TenantSuspended,
} from '@platform/contracts';
import { manifestHash } from './manifest-hash';

export const tenantId = '8e1f0c55-1d2b-4f7a-9c3e-2a1b0c9d8e7f';

export const snapshot = (
  status: TenantStatus,
  version: number,
  changes: Partial<TenantSnapshot> = {},
): TenantSnapshot => ({
  tenantId,
  slug: 'acme',
  name: 'Acme Inc',
  status,
  plan: 'standard',
  isolation: 'schema',
  region: 'eu-west-1',
  version,
  ...changes,
});

export const created: TenantCreated = { type: 'TenantCreated', data: snapshot('draft', 1) };
export const activatedAt = (version: number): TenantActivated => ({
  type: 'TenantActivated',
  data: snapshot('active', version),
});
export const activated = activatedAt(2);

export const suspended = (version: number, reason = 'unpaid invoice'): TenantSuspended => ({
  type: 'TenantSuspended',
  data: { ...snapshot('suspended', version), status: 'suspended', previousStatus: 'active', reason },
});

export const resumed = (version: number): TenantResumed => ({
  type: 'TenantResumed',
  data: { ...snapshot('active', version), status: 'active', previousStatus: 'suspended' },
});

export const archived = (previousStatus: 'active' | 'suspended', version: number): TenantArchived => ({
  type: 'TenantArchived',
  data: { ...snapshot('archived', version), status: 'archived', previousStatus },
});

export const purged: TenantPurgeSummary = {
  events: 42,
  readModels: 7,
  checkpoints: 2,
  deadLetters: 1,
  idempotencyRecords: 12,
};

export const deleted = (version: number): TenantDeleted => ({
  type: 'TenantDeleted',
  data: { ...snapshot('deleted', version), status: 'deleted', previousStatus: 'archived', purged },
});

export const planUpdated = (
  status: TenantStatus,
  version: number,
  plan: TenantSnapshot['plan'] = 'enterprise',
  previousPlan: TenantSnapshot['plan'] = 'standard',
): TenantPlanUpdated => ({
  type: 'TenantPlanUpdated',
  data: { ...snapshot(status, version, { plan: previousPlan }), plan, previousPlan },
});

/** The manifest that states exactly the tenant of {@link snapshot}, active. */
export const manifest = (spec: Partial<TenantManifest['spec']> = {}, slug = 'acme'): TenantManifest => ({
  apiVersion: 'tenantflow/v1',
  kind: 'Tenant',
  metadata: { slug },
  spec: {
    name: 'Acme Inc',
    plan: 'standard',
    isolation: 'schema',
    region: 'eu-west-1',
    status: 'active',
    ...spec,
  },
});

export const manifestApplied = (
  status: TenantStatus,
  version: number,
  applied: TenantManifest,
  manifestVersion = 1,
  changes: Partial<TenantSnapshot> = {},
): TenantManifestApplied => ({
  type: 'TenantManifestApplied',
  data: {
    ...snapshot(status, version, { name: applied.spec.name, ...changes }),
    manifestVersion,
    manifestHash: manifestHash(applied.spec),
    spec: applied.spec,
  },
});

export type StateName = 'none' | TenantStatus;

/** Events that bring the tenant to each status, by the shortest path. */
export const history: Readonly<Record<StateName, readonly TenantEvent[]>> = {
  none: [],
  draft: [created],
  active: [created, activated],
  suspended: [created, activated, suspended(3)],
  archived: [created, activated, archived('active', 3)],
  deleted: [created, activated, archived('active', 3), deleted(4)],
};

/** A manifest that renames the tenant: applying it records a new manifest version. */
export const renamingManifest = manifest({ name: 'Acme Corporation' });

export type CommandOf<K extends TenantCommand['type']> = Extract<TenantCommand, { type: K }>;

/** One command of each type; the mapped type makes a new command type fail to compile until added. */
export const commands: { readonly [K in TenantCommand['type']]: CommandOf<K> } = {
  CreateTenant: {
    type: 'CreateTenant',
    data: {
      tenantId,
      slug: 'acme',
      name: 'Acme Inc',
      plan: 'standard',
      isolation: 'schema',
      region: 'eu-west-1',
    },
  },
  ActivateTenant: { type: 'ActivateTenant', data: { tenantId } },
  SuspendTenant: { type: 'SuspendTenant', data: { tenantId, reason: 'unpaid invoice' } },
  ResumeTenant: { type: 'ResumeTenant', data: { tenantId } },
  ArchiveTenant: { type: 'ArchiveTenant', data: { tenantId } },
  DeleteTenant: { type: 'DeleteTenant', data: { tenantId, purged } },
  ChangePlan: { type: 'ChangePlan', data: { tenantId, plan: 'enterprise' } },
  ApplyManifest: {
    type: 'ApplyManifest',
    data: { tenantId, manifest: renamingManifest, hash: manifestHash(renamingManifest.spec) },
  },
};
