import { refusedEntry, type AuditEntry, type JsonValue, type RefusalSummary } from '@platform/audit';
import type { TenantCommand } from '@platform/contracts';
import type { ExistingTenant, TenantState } from '@platform/tenants-domain';
import type { Caller } from './caller';

/** The audit action of each tenant command. */
export const TENANT_AUDIT_ACTIONS: Readonly<Record<TenantCommand['type'], string>> = {
  CreateTenant: 'tenant.create',
  ActivateTenant: 'tenant.activate',
  SuspendTenant: 'tenant.suspend',
  ResumeTenant: 'tenant.resume',
  ArchiveTenant: 'tenant.archive',
  DeleteTenant: 'tenant.delete',
  ChangePlan: 'tenant.change-plan',
  ApplyManifest: 'tenant.apply-manifest',
};

export const tenantTarget = (tenantId: string): string => `tenant/${tenantId}`;

/** A tenant's state as it goes into an audit record; `null` before it exists. */
export function tenantStateJson(state: TenantState): JsonValue {
  return state.status === 'none' ? null : existingJson(state);
}

export function existingJson(tenant: ExistingTenant): { [key: string]: JsonValue } {
  const { id, slug, name, status, plan, isolation, region, version, manifestVersion, lastManifestHash } =
    tenant;
  return {
    id,
    slug,
    name,
    status,
    plan,
    isolation,
    region,
    version,
    manifestVersion,
    ...(lastManifestHash !== undefined && { manifestHash: lastManifestHash }),
  };
}

/** The audit record of one command: who, what, on which tenant, the state before and after. */
export function tenantAuditEntry(
  command: TenantCommand,
  before: TenantState,
  after: TenantState,
  caller: Caller,
  occurredAt: string,
): AuditEntry {
  const details = commandDetails(command) ?? {};
  return {
    actor: caller.actor,
    action: TENANT_AUDIT_ACTIONS[command.type],
    target: tenantTarget(command.data.tenantId),
    previousState: tenantStateJson(before),
    newState: after.status === 'none' ? null : { ...existingJson(after), ...details },
    requestId: caller.requestId,
    correlationId: caller.correlationId,
    occurredAt,
  };
}

/** What a command carries besides the state: a suspension's reason, what a deletion purged. */
function commandDetails(command: TenantCommand): Record<string, JsonValue> | undefined {
  switch (command.type) {
    case 'SuspendTenant':
      return { reason: command.data.reason };
    case 'DeleteTenant':
      return { purged: { ...command.data.purged } };
    default:
      return undefined;
  }
}

/**
 * The audit record of a command that was refused (contract section 8: every command records, as in
 * the data plane): the tenant as it was, unchanged, and why.
 */
export function refusedTenantAuditEntry(
  command: TenantCommand,
  state: TenantState,
  refusal: RefusalSummary,
  caller: Caller,
  occurredAt: string,
): AuditEntry {
  return refusedEntry(
    { actor: caller.actor, requestId: caller.requestId, correlationId: caller.correlationId, occurredAt },
    TENANT_AUDIT_ACTIONS[command.type],
    tenantTarget(command.data.tenantId),
    { tenant: tenantStateJson(state) },
    refusal,
  );
}
