import type {
  TenantEvent,
  TenantIsolation,
  TenantPlan,
  TenantSnapshot,
  TenantStatus,
} from '@platform/contracts';
import { assertNever } from './assert-never';

export interface NoTenant {
  readonly status: 'none';
}

/** What a tenant holds in every status once created. */
export interface TenantIn<S extends TenantStatus> {
  readonly status: S;
  /** Immutable; never reused, even after deletion. */
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly plan: TenantPlan;
  readonly isolation: TenantIsolation;
  readonly region: string;
  /** Number of events in the tenant's stream: the `version` of its snapshot. */
  readonly version: number;
  /** Version of the last manifest accepted; 0 before the first. */
  readonly manifestVersion: number;
  /** Canonical hash of the last manifest accepted, so that applying it again changes nothing. */
  readonly lastManifestHash?: string;
}

export type DraftTenant = TenantIn<'draft'>;
export type ActiveTenant = TenantIn<'active'>;
export type SuspendedTenant = TenantIn<'suspended'>;
export type ArchivedTenant = TenantIn<'archived'>;
export type DeletedTenant = TenantIn<'deleted'>;

export type ExistingTenant = DraftTenant | ActiveTenant | SuspendedTenant | ArchivedTenant | DeletedTenant;

/** One tenant's state, folded from its stream `tenant-<id>`. */
export type TenantState = NoTenant | ExistingTenant;

export const initialState = (): TenantState => ({ status: 'none' });

/** The tenant as its events carry it. */
export function snapshotOf(tenant: ExistingTenant): TenantSnapshot {
  const { id, slug, name, status, plan, isolation, region, version } = tenant;
  return { tenantId: id, slug, name, status, plan, isolation, region, version };
}

type SnapshotChanges = Partial<Pick<TenantSnapshot, 'status' | 'plan' | 'name'>>;

/** The snapshot the next event carries: one version later, with `changes` applied. */
export const nextSnapshot = <C extends SnapshotChanges>(
  tenant: ExistingTenant,
  changes: C,
): Omit<TenantSnapshot, keyof C> & C => ({ ...snapshotOf(tenant), ...changes, version: tenant.version + 1 });

/**
 * Applies one recorded event. Every event carries the tenant's whole snapshot, so the state is that
 * snapshot plus the manifest bookkeeping. Events are facts, so evolve never rejects; an event that
 * cannot apply (a second `TenantCreated`, a change before creation) leaves the state unchanged.
 */
export function evolve(state: TenantState, event: TenantEvent): TenantState {
  switch (event.type) {
    case 'TenantCreated':
      return state.status === 'none' ? fromSnapshot(event.data, { manifestVersion: 0 }) : state;
    case 'TenantManifestApplied':
      if (state.status === 'none') return state;
      return fromSnapshot(event.data, {
        manifestVersion: event.data.manifestVersion,
        lastManifestHash: event.data.manifestHash,
      });
    case 'TenantActivated':
    case 'TenantSuspended':
    case 'TenantResumed':
    case 'TenantArchived':
    case 'TenantDeleted':
    case 'TenantPlanUpdated':
      return state.status === 'none' ? state : fromSnapshot(event.data, manifestOf(state));
    default:
      return assertNever(event);
  }
}

type ManifestBookkeeping = Pick<ExistingTenant, 'manifestVersion' | 'lastManifestHash'>;

const manifestOf = ({ manifestVersion, lastManifestHash }: ExistingTenant): ManifestBookkeeping =>
  lastManifestHash === undefined ? { manifestVersion } : { manifestVersion, lastManifestHash };

function fromSnapshot(snapshot: TenantSnapshot, manifest: ManifestBookkeeping): ExistingTenant {
  const { tenantId, slug, name, status, plan, isolation, region, version } = snapshot;
  return { status, id: tenantId, slug, name, plan, isolation, region, version, ...manifest };
}
