import type { ApplyManifest, TenantManifest } from '@platform/contracts';
import { assertNever } from './assert-never';
import { accepted, rejected } from './decider';
import type { TenantDecision } from './tenant.decision';
import { immutableFields, invalidTransition, tenantNotFound } from './tenant.rejections';
import { type ExistingTenant, nextSnapshot, type TenantState } from './tenant.state';

/**
 * Accepts a manifest as the tenant's desired state and gives it the next manifest version; the
 * same manifest again (same hash) is a no-op. The name is taken over at once; plan and status are
 * reached by the commands {@link planManifest} derives, so that their own events are published.
 * Slug, isolation and region cannot change through a manifest.
 */
export function applyManifest(command: ApplyManifest, state: TenantState): TenantDecision {
  switch (state.status) {
    case 'none':
      return rejected(tenantNotFound(command.data.tenantId));
    case 'draft':
    case 'active':
    case 'suspended':
      return apply(state, command.data.manifest, command.data.hash);
    case 'archived':
    case 'deleted':
      return rejected(invalidTransition('apply a manifest to', state.status));
    default:
      return assertNever(state);
  }
}

function apply(tenant: ExistingTenant, manifest: TenantManifest, hash: string): TenantDecision {
  const changed = immutableChanges(tenant, manifest);
  if (changed.length > 0) return rejected(immutableFields(changed));
  if (tenant.lastManifestHash === hash) return accepted();
  return accepted({
    type: 'TenantManifestApplied',
    data: {
      ...nextSnapshot(tenant, { name: manifest.spec.name }),
      manifestVersion: tenant.manifestVersion + 1,
      manifestHash: hash,
      spec: manifest.spec,
    },
  });
}

function immutableChanges(tenant: ExistingTenant, { metadata, spec }: TenantManifest): string[] {
  const changes: [string, string, string][] = [
    ['slug', tenant.slug, metadata.slug],
    ['isolation', tenant.isolation, spec.isolation],
    ['region', tenant.region, spec.region],
  ];
  return changes
    .filter(([, from, to]) => from !== to)
    .map(([field, from, to]) => `${field} (${from} → ${to})`);
}
