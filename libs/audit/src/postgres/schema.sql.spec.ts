import { DEFAULT_SCHEMA, assertSchemaName, schemaDdl } from './schema.sql';

describe('assertSchemaName', () => {
  it.each([DEFAULT_SCHEMA, 'audit_test_0a1b2c3d', '_private'])('accepts %s', (name) => {
    expect(assertSchemaName(name)).toBe(name);
  });

  it.each(['', 'Audit', '1audit', 'audit-log', 'a"; drop table x; --', 'a'.repeat(49)])(
    'refuses %j',
    (name) => {
      expect(() => assertSchemaName(name)).toThrow(TypeError);
    },
  );
});

describe('schemaDdl', () => {
  const ddl = schemaDdl('audit_x');

  it('creates everything idempotently in the given schema', () => {
    expect(ddl).toContain('create schema if not exists "audit_x"');
    expect(ddl).toContain('create table if not exists "audit_x".records');
    expect(ddl).not.toMatch(/create (table|index|schema) (?!if not exists)/);
    expect(ddl).not.toMatch(/create (function|trigger) /);
  });

  it('guards the table against UPDATE, TRUNCATE and unaudited DELETE, and checks every insert', () => {
    expect(ddl).toMatch(
      /trigger records_refuse_update before update on "audit_x".records\s+for each statement/,
    );
    expect(ddl).toMatch(/trigger records_refuse_truncate before truncate on "audit_x".records/);
    expect(ddl).toMatch(/trigger records_guard_delete before delete on "audit_x".records\s+for each row/);
    expect(ddl).toMatch(/trigger records_extend_chain before insert on "audit_x".records\s+for each row/);
  });

  it('has no UPDATE statement of its own', () => {
    expect(ddl).not.toMatch(/\bupdate\s+"audit_x"/i);
  });

  it('refuses an unsafe schema name', () => {
    expect(() => schemaDdl('x"; drop schema public; --')).toThrow(TypeError);
  });
});
