import { ACTION_PATTERN, toAuditRecordContent, toOccurredAt, toTenantId } from './guards';
import { FIXED_TIME, TENANT_A, newRecord } from './testing/chain-fixtures';

const clock = (): Date => FIXED_TIME;

describe('toAuditRecordContent', () => {
  it('keeps a valid record, with a lower-cased tenant id and an ISO time', () => {
    const content = toAuditRecordContent(
      newRecord(TENANT_A.toUpperCase(), 1, { occurredAt: '2026-03-01T10:00:00+02:00' }),
      clock,
    );

    expect(content).toMatchObject({ tenantId: TENANT_A, occurredAt: '2026-03-01T08:00:00.000Z' });
  });

  it("uses the log's clock when the record has no time", () => {
    const content = toAuditRecordContent(newRecord(TENANT_A, 1, { occurredAt: undefined }), clock);

    expect(content.occurredAt).toBe('2026-01-01T00:00:00.000Z');
  });

  it.each([
    ['a tenant id that is no UUID', { tenantId: 'tenant-1' }],
    ['a blank actor', { actor: '  ' }],
    ['an actor too long', { actor: 'a'.repeat(257) }],
    ['an undotted action', { action: 'suspend' }],
    ['an action with spaces', { action: 'tenant. suspend' }],
    ['an empty target', { target: '' }],
    ['a missing request id', { requestId: undefined as unknown as string }],
    ['a blank correlation id', { correlationId: '' }],
    ['an invalid time', { occurredAt: 'yesterday' }],
    ['a state JSON cannot hold', { newState: { at: new Date() } as never }],
    ['an undefined state', { previousState: undefined as never }],
  ])('refuses %s', (_label, overrides) => {
    expect(() => toAuditRecordContent(newRecord(TENANT_A, 1, overrides), clock)).toThrow(TypeError);
  });
});

describe('ACTION_PATTERN', () => {
  it.each(['tenant.suspend', 'command.orders.CreateOrder', 'audit.purge', 'api-key.revoke'])(
    'accepts %s',
    (action) => {
      expect(ACTION_PATTERN.test(action)).toBe(true);
    },
  );

  it.each(['tenant', '.tenant', 'tenant.', 'tenant..suspend', '1tenant.x', 'tenant/suspend'])(
    'refuses %s',
    (action) => {
      expect(ACTION_PATTERN.test(action)).toBe(false);
    },
  );
});

describe('toOccurredAt', () => {
  it('writes a Date and an ISO string the way timestamptz reads back', () => {
    expect(toOccurredAt(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)))).toBe('2026-01-02T03:04:05.006Z');
    expect(toOccurredAt('2026-01-02T03:04:05Z')).toBe('2026-01-02T03:04:05.000Z');
  });

  it('refuses years PostgreSQL or ISO 8601 basic form cannot hold', () => {
    expect(() => toOccurredAt(new Date(Date.UTC(10000, 0, 1)))).toThrow(TypeError);
    expect(() => toOccurredAt('0000-01-01T00:00:00Z')).toThrow(TypeError);
  });
});

describe('toTenantId', () => {
  it('lower-cases a UUID and refuses anything else', () => {
    expect(toTenantId(TENANT_A.toUpperCase())).toBe(TENANT_A);
    expect(() => toTenantId(42)).toThrow(TypeError);
  });
});
