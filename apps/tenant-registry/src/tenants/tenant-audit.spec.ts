import type { TenantCommand } from '@platform/contracts';
import type { ExistingTenant } from '@platform/tenants-domain';
import { TENANT_AUDIT_ACTIONS, tenantAuditEntry } from './tenant-audit';

const tenantId = '8e1f0c55-1d2b-4f7a-9c3e-2a1b0c9d8e7f';
const active: ExistingTenant = {
  status: 'active',
  id: tenantId,
  slug: 'acme',
  name: 'Acme',
  plan: 'free',
  isolation: 'schema',
  region: 'eu-west-1',
  version: 2,
  manifestVersion: 0,
};
const caller = { actor: 'alice', requestId: 'req-1', correlationId: 'corr-1', causationId: 'req-1' };

describe('audit records of tenant commands', () => {
  it('names every command with a dotted action', () => {
    for (const action of Object.values(TENANT_AUDIT_ACTIONS)) expect(action).toMatch(/^tenant\.[a-z-]+$/);
    expect(new Set(Object.values(TENANT_AUDIT_ACTIONS)).size).toBe(Object.keys(TENANT_AUDIT_ACTIONS).length);
  });

  it('records actor, target, both states, request and correlation ids', () => {
    const command: TenantCommand = { type: 'SuspendTenant', data: { tenantId, reason: 'unpaid' } };
    const entry = tenantAuditEntry(
      command,
      active,
      { ...active, status: 'suspended', version: 3 },
      caller,
      '2026-01-01T00:00:00.000Z',
    );
    expect(entry).toEqual({
      actor: 'alice',
      action: 'tenant.suspend',
      target: `tenant/${tenantId}`,
      previousState: expect.objectContaining({ status: 'active', version: 2 }),
      newState: expect.objectContaining({ status: 'suspended', version: 3, reason: 'unpaid' }),
      requestId: 'req-1',
      correlationId: 'corr-1',
      occurredAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('has no previous state for a creation', () => {
    const command: TenantCommand = {
      type: 'CreateTenant',
      data: { tenantId, slug: 'acme', name: 'Acme', plan: 'free', isolation: 'schema', region: 'eu-west-1' },
    };
    const entry = tenantAuditEntry(
      command,
      { status: 'none' },
      { ...active, status: 'draft', version: 1 },
      caller,
      'x',
    );
    expect(entry.previousState).toBeNull();
    expect(entry.action).toBe('tenant.create');
  });
});
