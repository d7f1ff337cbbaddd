import { atVersion, type TenantCommand } from '@platform/contracts';
import type { Refusal } from '@platform/command-handling';
import type { TenantRecord } from '../registry/tenant-record';
import type { Caller } from '../tenants/caller';
import type { TenantCommands } from '../tenants/tenant-commands';

export type PlanOutcome =
  | { readonly ok: true; readonly tenant: TenantRecord | undefined; readonly changed: boolean }
  | { readonly ok: false; readonly refusal: Refusal };

/**
 * Sends the commands {@link planManifest} derived, one by one, each in its own audited
 * transaction, and stops at the first refusal. An empty plan changes nothing.
 *
 * `fromVersion`: the version of the tenant the plan was made from, when the request had an
 * `If-Match` (ADR 0011). Each command then runs only on the version the one before left (a 412
 * otherwise): no other change slips in between the steps of the plan.
 */
export async function executePlan(
  commands: TenantCommands,
  planned: readonly TenantCommand[],
  caller: Caller,
  fromVersion?: number,
): Promise<PlanOutcome> {
  let tenant: TenantRecord | undefined;
  let changed = false;
  let version = fromVersion;
  for (const command of planned) {
    const change = await commands.execute(command, caller, {
      auditRefusal: true,
      ...(version !== undefined && { ifMatch: atVersion(version) }),
    });
    if (!change.ok) return { ok: false, refusal: change.refusal };
    tenant = change.tenant;
    if (version !== undefined) version = change.tenant.version;
    changed ||= change.events.length > 0;
  }
  return { ok: true, tenant, changed };
}
