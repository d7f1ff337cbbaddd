import { DEFAULT_SCHEMA, assertSchemaName, schemaDdl } from './schema.sql';

describe('assertSchemaName', () => {
  it.each([DEFAULT_SCHEMA, 'es_test_0a1b2c3d', '_private', 'a'.repeat(48)])('accepts %s', (name) => {
    expect(assertSchemaName(name)).toBe(name);
  });

  it.each(['', 'Event_Store', '1store', 'event-store', 'a"; drop table x; --', 'a'.repeat(49)])(
    'refuses %j',
    (name) => {
      expect(() => assertSchemaName(name)).toThrow(TypeError);
    },
  );
});

describe('schemaDdl', () => {
  it('creates everything idempotently in the given schema', () => {
    const ddl = schemaDdl('es_x');

    expect(ddl).toContain('create schema if not exists "es_x"');
    expect(ddl).toContain('create table if not exists "es_x".streams');
    expect(ddl).toContain('create table if not exists "es_x".events');
    expect(ddl).toContain('create or replace function "es_x".append_to_stream(');
    expect(ddl).not.toMatch(/create (table|index|schema) (?!if not exists)/);
  });

  it('indexes the global log in (transaction, position) order, overall and per tenant', () => {
    const ddl = schemaDdl('es_x');

    expect(ddl).toContain('on "es_x".events (transaction_id, global_position)');
    expect(ddl).toContain('on "es_x".events (tenant_id, transaction_id, global_position)');
    expect(ddl).toContain('on "es_x".events (tenant_id, event_type, recorded_at)');
    expect(ddl).toContain('create table if not exists "es_x".snapshots');
    expect(ddl).toContain('create or replace function "es_x".find_repeat(');
  });

  it('creates the tenant policies always, and switches RLS on only when asked', () => {
    const plain = schemaDdl('es_x');
    const shared = schemaDdl('es_x', { rowLevelSecurity: true });

    expect(plain).toContain("current_setting(''app.tenant_id'', true)");
    expect(plain).toMatch(/if false and not/);
    expect(shared).toMatch(/if true and not/);
    expect(shared).not.toMatch(/disable row level security/);
  });

  it('refuses an unsafe schema name', () => {
    expect(() => schemaDdl('x"; drop schema public; --')).toThrow(TypeError);
  });
});
