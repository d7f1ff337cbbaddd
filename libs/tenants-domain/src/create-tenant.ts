import type { CreateTenant } from '@platform/contracts';
import { assertNever } from './assert-never';
import { accepted, rejected } from './decider';
import { checkSlug } from './slug';
import type { TenantDecision } from './tenant.decision';
import { tenantAlreadyExists } from './tenant.rejections';
import type { TenantState } from './tenant.state';

/**
 * Records a new tenant in `draft`; it becomes active once its isolation is provisioned. The region
 * must already have passed {@link placeTenant}; the slug's format and reservations are checked here.
 */
export function createTenant(command: CreateTenant, state: TenantState): TenantDecision {
  switch (state.status) {
    case 'none':
      return createNew(command);
    case 'draft':
    case 'active':
    case 'suspended':
    case 'archived':
    case 'deleted':
      return rejected(tenantAlreadyExists(state.id));
    default:
      return assertNever(state);
  }
}

function createNew(command: CreateTenant): TenantDecision {
  const slug = checkSlug(command.data.slug);
  if (!slug.ok) return rejected(slug.rejection);
  const { tenantId, name, plan, isolation, region } = command.data;
  return accepted({
    type: 'TenantCreated',
    data: { tenantId, slug: slug.slug, name, status: 'draft', plan, isolation, region, version: 1 },
  });
}
