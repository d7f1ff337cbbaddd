import { databaseUrlFor, SHARED_SCHEMA, storageOf } from './tenant-storage';

const tenant = '8e1f0c55-1d2b-4f7a-9c3e-2a1b0c9d8e7f';

describe('storageOf', () => {
  it('maps each isolation mode to its place', () => {
    expect(storageOf(tenant, 'schema')).toEqual({
      mode: 'schema',
      database: undefined,
      schema: 'tenant_8e1f0c551d2b4f7a9c3e2a1b0c9d8e7f',
    });
    expect(storageOf(tenant, 'shared')).toEqual({
      mode: 'shared',
      database: undefined,
      schema: SHARED_SCHEMA,
    });
    expect(storageOf(tenant, 'dedicated')).toEqual({
      mode: 'dedicated',
      database: 'tenant_8e1f0c551d2b4f7a9c3e2a1b0c9d8e7f',
      schema: 'public',
    });
  });

  it('refuses what is not a tenant id', () => {
    expect(() => storageOf('x"; drop schema public; --', 'schema')).toThrow(TypeError);
  });
});

describe('databaseUrlFor', () => {
  it('swaps the database and keeps credentials and options', () => {
    expect(databaseUrlFor('postgres://u:p@127.0.0.1:5432/platform?sslmode=disable', 'tenant_ab')).toBe(
      'postgres://u:p@127.0.0.1:5432/tenant_ab?sslmode=disable',
    );
    expect(databaseUrlFor('postgres://u:p@h/platform', undefined)).toBe('postgres://u:p@h/platform');
  });
});
