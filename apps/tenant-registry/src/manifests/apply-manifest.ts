import { ifMatchHolds, type EntityTagCondition } from '@platform/contracts';
import { parseManifest, placeTenant, planManifest } from '@platform/tenants-domain';
import { type Refusal, versionMismatch } from '@platform/command-handling';
import type { RegistryDatabase } from '../registry/registry-database';
import type { TenantRecord } from '../registry/tenant-record';
import type { Caller } from '../tenants/caller';
import { tenantSubject } from '../tenants/tenant-refusals';
import type { TenantCommands } from '../tenants/tenant-commands';
import { executePlan } from './execute-plan';

export interface ManifestDeps {
  readonly db: RegistryDatabase;
  readonly commands: TenantCommands;
  readonly allowedRegions: readonly string[];
  readonly newId: () => string;
}

export type ManifestOutcome =
  | { readonly ok: true; readonly created: boolean; readonly tenant: TenantRecord }
  | { readonly ok: false; readonly refusal: Refusal };

/**
 * `PUT /v1/tenants/{slug}/manifest`: parse, check it names the slug of the URL, plan the commands
 * that lead from the tenant as it is to the manifest (none when it is already there), run them.
 * A tenant that does not exist is created (placement checked first) and provisioned as usual.
 *
 * `ifMatch` (ADR 0011) names the tenant's version the manifest was written against: a tenant at
 * another version, or none yet, is a 412; the plan made from that version runs only on it.
 */
export async function applyManifest(
  deps: ManifestDeps,
  slug: string,
  text: string,
  contentType: string | undefined,
  caller: Caller,
  ifMatch?: EntityTagCondition,
): Promise<ManifestOutcome> {
  const parsed = parseManifest(text, contentType);
  if (!parsed.ok) return { ok: false, refusal: parsed.rejection };
  const { manifest } = parsed;
  if (manifest.metadata.slug !== slug) {
    return {
      ok: false,
      refusal: {
        kind: 'validation',
        code: 'manifest-slug-mismatch',
        detail: `the manifest describes ${manifest.metadata.slug}, not ${slug}`,
        errors: [{ path: '/metadata/slug', message: `must be ${slug}, the slug in the URL` }],
      },
    };
  }
  const tenantId = (await deps.db.slugs.owner(slug)) ?? deps.newId();
  const { state, streamVersion } = await deps.commands.load(tenantId);
  if (ifMatch !== undefined && !ifMatchHolds(ifMatch, streamVersion)) {
    return { ok: false, refusal: versionMismatch(tenantSubject(slug), ifMatch, streamVersion) };
  }
  if (state.status === 'none') {
    const placement = placeTenant({
      requestedRegion: manifest.spec.region,
      allowedRegions: deps.allowedRegions,
      plan: manifest.spec.plan,
    });
    if (!placement.ok) return { ok: false, refusal: placement.rejection };
  }
  const outcome = await executePlan(
    deps.commands,
    planManifest(state, manifest, { newTenantId: tenantId }),
    caller,
    ifMatch === undefined ? undefined : streamVersion,
  );
  if (!outcome.ok) return outcome;
  const tenant = outcome.tenant ?? (await deps.db.tenants.find(tenantId));
  if (!tenant) throw new Error(`tenant ${tenantId} has no record after its manifest`);
  return { ok: true, created: state.status === 'none', tenant };
}
