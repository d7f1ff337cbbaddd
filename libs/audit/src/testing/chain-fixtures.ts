import type { AuditRecord, NewAuditRecord } from '../audit-record';
import { toAuditRecordContent } from '../guards';
import { sealRecord } from '../hashing';

// Records for specs: valid entries and in-memory chains built with the real sealing code.

export const TENANT_A = '5b1f7c52-6a8e-4d3c-9f0a-1c2d3e4f5a6b';
export const TENANT_B = 'c0ffee00-1234-4abc-8def-0123456789ab';

export const FIXED_TIME = new Date('2026-01-01T00:00:00.000Z');

export function newRecord(
  tenantId: string,
  n: number,
  overrides: Partial<NewAuditRecord> = {},
): NewAuditRecord {
  return {
    tenantId,
    actor: 'user:alice',
    action: 'tenant.update-plan',
    target: `tenant/${tenantId}`,
    previousState: { plan: 'free', step: n - 1 },
    newState: { plan: 'standard', step: n, tags: ['a', 'b'] },
    requestId: `req-${n}`,
    correlationId: `corr-${n}`,
    occurredAt: new Date(FIXED_TIME.getTime() + n * 1000),
    ...overrides,
  };
}

/** A valid chain of `length` records for `tenantId`. */
export function buildChain(tenantId: string, length: number): AuditRecord[] {
  const chain: AuditRecord[] = [];
  for (let n = 1; n <= length; n += 1) {
    const content = toAuditRecordContent(newRecord(tenantId, n), () => FIXED_TIME);
    chain.push(sealRecord(chain.at(-1) ?? null, content));
  }
  return chain;
}
