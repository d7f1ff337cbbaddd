import type { TenantCommand } from '@platform/contracts';
import type { TenantRecord } from '../registry/tenant-record';
import type { Caller } from '../tenants/caller';
import type { Refusal } from '../tenants/refusal';
import type { TenantCommands } from '../tenants/tenant-commands';

export type PlanOutcome =
  | { readonly ok: true; readonly tenant: TenantRecord | undefined; readonly changed: boolean }
  | { readonly ok: false; readonly refusal: Refusal };

/**
 * Sends the commands {@link planManifest} derived, one by one, each in its own audited
 * transaction, and stops at the first refusal. An empty plan changes nothing.
 */
export async function executePlan(
  commands: TenantCommands,
  planned: readonly TenantCommand[],
  caller: Caller,
): Promise<PlanOutcome> {
  let tenant: TenantRecord | undefined;
  let changed = false;
  for (const command of planned) {
    const change = await commands.execute(command, caller);
    if (!change.ok) return { ok: false, refusal: change.refusal };
    tenant = change.tenant;
    changed ||= change.events.length > 0;
  }
  return { ok: true, tenant, changed };
}
