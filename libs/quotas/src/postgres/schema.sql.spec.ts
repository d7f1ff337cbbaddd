import { DEFAULT_SCHEMA, METRIC_PATTERN, assertSchemaName, schemaDdl } from './schema.sql';

describe('assertSchemaName', () => {
  it.each([DEFAULT_SCHEMA, 'quotas_test_0a1b2c3d', '_private'])('accepts %s', (name) => {
    expect(assertSchemaName(name)).toBe(name);
  });

  it.each(['', 'Quotas', '1quotas', 'quo-tas', 'a"; drop table x; --', 'a'.repeat(49)])(
    'refuses %j',
    (name) => {
      expect(() => assertSchemaName(name)).toThrow(TypeError);
    },
  );
});

describe('METRIC_PATTERN', () => {
  it.each(['orders', 'api-calls', 'storage-mb'])('accepts %s', (metric) => {
    expect(METRIC_PATTERN.test(metric)).toBe(true);
  });

  it.each(['', 'Orders', '-orders', 'orders_total', "o'; drop", 'a'.repeat(64)])('refuses %j', (metric) => {
    expect(METRIC_PATTERN.test(metric)).toBe(false);
  });
});

describe('schemaDdl', () => {
  const ddl = schemaDdl('quotas_x');

  it('creates everything idempotently in the given schema', () => {
    expect(ddl).toContain('create schema if not exists "quotas_x"');
    expect(ddl).toContain('create table if not exists "quotas_x".usage (');
    expect(ddl).not.toMatch(/create (table|index|schema) (?!if not exists)/);
  });

  it('keys a counter by tenant, month and metric', () => {
    expect(ddl).toContain('primary key (tenant_id, period, metric)');
  });
});
