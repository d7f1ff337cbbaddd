import type { TenantCommand, TenantEvent } from '@platform/contracts';
import { activateTenant } from './activate-tenant';
import { applyManifest } from './apply-manifest';
import { archiveTenant } from './archive-tenant';
import { assertNever } from './assert-never';
import { changePlan } from './change-plan';
import { createTenant } from './create-tenant';
import type { Decider } from './decider';
import { deleteTenant } from './delete-tenant';
import { resumeTenant } from './resume-tenant';
import { suspendTenant } from './suspend-tenant';
import type { TenantDecision } from './tenant.decision';
import type { TenantRejection } from './tenant.rejections';
import { evolve, initialState, type TenantState } from './tenant.state';

/**
 * The tenant aggregate. Lifecycle: `draft → active ⇄ suspended`, `active | suspended → archived →
 * deleted`; every other transition is a `conflict` (`invalid-transition`).
 */
export function decide(command: TenantCommand, state: TenantState): TenantDecision {
  switch (command.type) {
    case 'CreateTenant':
      return createTenant(command, state);
    case 'ActivateTenant':
      return activateTenant(command, state);
    case 'SuspendTenant':
      return suspendTenant(command, state);
    case 'ResumeTenant':
      return resumeTenant(command, state);
    case 'ArchiveTenant':
      return archiveTenant(command, state);
    case 'DeleteTenant':
      return deleteTenant(command, state);
    case 'ChangePlan':
      return changePlan(command, state);
    case 'ApplyManifest':
      return applyManifest(command, state);
    default:
      return assertNever(command);
  }
}

export const tenantDecider: Decider<TenantCommand, TenantEvent, TenantState, TenantRejection> = {
  decide,
  evolve,
  initialState,
};
