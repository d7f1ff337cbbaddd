import type { TenantCommand, TenantManifest, TenantManifestStatus } from '@platform/contracts';
import { assertNever } from './assert-never';
import { manifestHash } from './manifest-hash';
import type { ExistingTenant, TenantState } from './tenant.state';

export interface ManifestPlanOptions {
  /** The id a tenant that does not exist yet is created with (ids come from outside the domain). */
  readonly newTenantId: string;
}

export const MANIFEST_SUSPEND_REASON = 'suspended by its manifest';

/**
 * The commands that drive a tenant toward its manifest, in order; none when it is already there,
 * so reconciling twice, or after a crash half-way, ends in the same place. Send them one by one
 * through the decider and stop at the first rejection (an archived tenant, a changed region…).
 *
 * - no tenant: create it from the manifest, then record the manifest;
 * - a manifest not recorded yet (by hash): record it (`ApplyManifest`), which validates it first;
 * - another plan: `ChangePlan`;
 * - `active` wanted of a suspended tenant: `ResumeTenant`; `suspended` of an active one: `SuspendTenant`.
 *   A draft tenant waits for its provisioning to activate it; plan again after `TenantActivated`.
 *
 * @example
 * ```ts
 * const parsed = parseManifest(body, contentType);
 * if (parsed.ok) for (const command of planManifest(state, parsed.manifest, { newTenantId: randomUUID() })) {
 *   const decision = tenantDecider.decide(command, state); // stop at the first rejection
 *   // append decision.events, fold them into state
 * }
 * ```
 */
export function planManifest(
  state: TenantState,
  manifest: TenantManifest,
  { newTenantId }: ManifestPlanOptions,
): TenantCommand[] {
  const hash = manifestHash(manifest.spec);
  if (state.status === 'none') {
    const { slug } = manifest.metadata;
    const { name, plan, isolation, region } = manifest.spec;
    return [
      { type: 'CreateTenant', data: { tenantId: newTenantId, slug, name, plan, isolation, region } },
      { type: 'ApplyManifest', data: { tenantId: newTenantId, manifest, hash } },
    ];
  }
  const tenantId = state.id;
  const commands: TenantCommand[] = [];
  if (state.lastManifestHash !== hash)
    commands.push({ type: 'ApplyManifest', data: { tenantId, manifest, hash } });
  if (state.plan !== manifest.spec.plan) {
    commands.push({ type: 'ChangePlan', data: { tenantId, plan: manifest.spec.plan } });
  }
  return [...commands, ...towardStatus(state, manifest.spec.status)];
}

function towardStatus(tenant: ExistingTenant, wanted: TenantManifestStatus): TenantCommand[] {
  const tenantId = tenant.id;
  switch (tenant.status) {
    case 'active':
      return wanted === 'suspended'
        ? [{ type: 'SuspendTenant', data: { tenantId, reason: MANIFEST_SUSPEND_REASON } }]
        : [];
    case 'suspended':
      return wanted === 'active' ? [{ type: 'ResumeTenant', data: { tenantId } }] : [];
    case 'draft':
    case 'archived':
    case 'deleted':
      return [];
    default:
      return assertNever(tenant);
  }
}
