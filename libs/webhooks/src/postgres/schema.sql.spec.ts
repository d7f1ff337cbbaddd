import { DEFAULT_SCHEMA, assertSchemaName, schemaDdl } from './schema.sql';

describe('assertSchemaName', () => {
  it.each([DEFAULT_SCHEMA, 'wh_test_0a1b2c3d', '_private'])('accepts %s', (name) => {
    expect(assertSchemaName(name)).toBe(name);
  });

  it.each(['', 'Webhooks', '1hooks', 'web-hooks', 'a"; drop table x; --', 'a'.repeat(49)])(
    'refuses %j',
    (name) => {
      expect(() => assertSchemaName(name)).toThrow(TypeError);
    },
  );
});

describe('schemaDdl', () => {
  it('creates everything idempotently in the given schema', () => {
    const ddl = schemaDdl('wh_x');

    for (const table of ['subscriptions', 'deliveries', 'attempts', 'requeues']) {
      expect(ddl).toContain(`create table if not exists "wh_x".${table} (`);
    }
    expect(ddl).not.toMatch(/create (table|index|schema) (?!if not exists)/);
  });

  it('makes sequence numbers and event ids unique per subscription', () => {
    const ddl = schemaDdl('wh_x');

    expect(ddl).toContain('unique (subscription_id, event_id)');
    expect(ddl).toContain('unique (subscription_id, sequence)');
  });
});
