import { TENANT_MANIFEST_API_VERSION, tenantStreamName, type TenantManifest } from '@platform/contracts';
import type { PostgresEventStore } from '@platform/event-store';
import { planManifest } from '@platform/tenants-domain';
import type { Caller } from '../tenants/caller';
import type { TenantCommands } from '../tenants/tenant-commands';
import { TENANT_STREAM_OWNER } from '../tenants/tenant-stream';
import { executePlan, type PlanOutcome } from './execute-plan';

/**
 * Once a draft is activated, what its last accepted manifest asked for that a draft could not take
 * yet (a `suspended` status) is applied. Only then: afterwards an operator's suspend or resume
 * stands until the next manifest is applied.
 */
export async function convergeToManifest(
  store: PostgresEventStore,
  commands: TenantCommands,
  tenantId: string,
  caller: Caller,
): Promise<PlanOutcome> {
  const manifest = await lastManifest(store, tenantId);
  if (!manifest) return { ok: true, tenant: undefined, changed: false };
  const { state } = await commands.load(tenantId);
  return executePlan(commands, planManifest(state, manifest, { newTenantId: tenantId }), caller);
}

async function lastManifest(
  store: PostgresEventStore,
  tenantId: string,
): Promise<TenantManifest | undefined> {
  const events = await store.readStream(TENANT_STREAM_OWNER, tenantStreamName(tenantId));
  const applied = events.filter((event) => event.type === 'TenantManifestApplied').at(-1);
  if (!applied) return undefined;
  const data = applied.data as { slug: string; spec: TenantManifest['spec'] };
  return {
    apiVersion: TENANT_MANIFEST_API_VERSION,
    kind: 'Tenant',
    metadata: { slug: data.slug },
    spec: data.spec,
  };
}
