import { DEFAULT_SCHEMA, assertSchemaName, migrationLockKey, schemaDdl } from './schema.sql';

describe('assertSchemaName', () => {
  it.each([DEFAULT_SCHEMA, 'idempotency_test_0a1b2c3d', '_private'])('accepts %s', (name) => {
    expect(assertSchemaName(name)).toBe(name);
  });

  it.each(['', 'Idempotency', '1x', 'a-b', 'a"; drop table x; --', 'a'.repeat(49)])('refuses %j', (name) => {
    expect(() => assertSchemaName(name)).toThrow(TypeError);
  });
});

describe('schemaDdl', () => {
  const ddl = schemaDdl('idem_x');

  it('creates everything idempotently in the given schema', () => {
    expect(ddl).toContain('create schema if not exists "idem_x"');
    expect(ddl).toContain('create table if not exists "idem_x".records (');
    expect(ddl).not.toMatch(/create (table|index|schema) (?!if not exists)/);
  });

  it('keys a record by a hash, indexes tenants for the purge and expiry for the sweep', () => {
    expect(ddl).toContain("id           text        primary key check (id ~ '^[0-9a-f]{64}$')");
    expect(ddl).toContain('on "idem_x".records (tenant_id) where tenant_id is not null');
    expect(ddl).toContain('on "idem_x".records (expires_at)');
  });

  it('locks migrations per schema', () => {
    expect(migrationLockKey('idem_x')).toBe('idempotency:migrate:idem_x');
  });
});
