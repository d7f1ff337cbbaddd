import { toCheckedAllFilter, toCheckedReadAll } from './all-filter';

const tenantId = '0b5c7a36-1c4e-4f4e-9a57-6c1b8f0d2e11';

describe('toCheckedAllFilter', () => {
  it('leaves absent criteria out', () => {
    expect(toCheckedAllFilter()).toEqual({ tenantId: null, types: null, since: null });
  });

  it('keeps a tenant and types, and normalises the instant', () => {
    expect(
      toCheckedAllFilter({ tenantId, types: ['OrderPlaced'], since: '2026-01-02T03:04:05+02:00' }),
    ).toEqual({ tenantId, types: ['OrderPlaced'], since: '2026-01-02T01:04:05.000Z' });
  });

  it.each([
    { tenantId: 'tenant-a' },
    { types: [] },
    { types: [''] },
    { types: 'OrderPlaced' as unknown as string[] },
    { since: 'yesterday' },
  ])('refuses %j with a TypeError', (filter) => {
    expect(() => toCheckedAllFilter(filter)).toThrow(TypeError);
  });
});

describe('toCheckedReadAll', () => {
  it('reads without limit by default, and refuses an invalid maxCount', () => {
    expect(toCheckedReadAll({ tenantId, maxCount: 5 })).toEqual({
      filter: { tenantId, types: null, since: null },
      maxCount: 5,
    });
    expect(toCheckedReadAll().maxCount).toBeNull();
    expect(() => toCheckedReadAll({ maxCount: -1 })).toThrow(TypeError);
  });
});
