import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { AuditLog } from '@platform/audit';
import { PostgresEventStore } from '@platform/event-store';
import { UsageCounters } from '@platform/quotas';
import { testInfra } from '@platform/testing';

// The command service's PostgreSQL for integration specs: event store, audit log and usage counters
// in throwaway schemas, plus a pool whose role may do everything but write audit records.

export interface CommandPostgres {
  readonly pool: Pool;
  /** The throwaway schemas of the event store, the audit log and the usage counters. */
  readonly schemas: { readonly events: string; readonly audit: string; readonly quotas: string };
  readonly store: PostgresEventStore;
  readonly audit: AuditLog;
  readonly usage: UsageCounters;
  /** The same schemas on a pool whose audit appends PostgreSQL refuses (no INSERT privilege). */
  readonly noAudit: { readonly pool: Pool; readonly audit: AuditLog; readonly usage: UsageCounters };
  close(): Promise<void>;
}

export async function startCommandPostgres(): Promise<CommandPostgres> {
  const suffix = randomBytes(4).toString('hex');
  const schemas = { events: `cs_es_${suffix}`, audit: `cs_audit_${suffix}`, quotas: `cs_quotas_${suffix}` };
  const role = `cs_test_no_audit_${suffix}`;
  const pool = new Pool({ connectionString: testInfra.databaseUrl, max: 8 });
  const store = new PostgresEventStore(pool, { schema: schemas.events });
  const audit = new AuditLog(pool, { schema: schemas.audit });
  const usage = new UsageCounters(pool, { schema: schemas.quotas });
  await store.migrate();
  await audit.migrate();
  await usage.migrate();
  await pool.query(`
    create role ${role} nologin;
    grant usage on schema "${schemas.events}", "${schemas.audit}", "${schemas.quotas}" to ${role};
    grant all on all tables in schema "${schemas.events}", "${schemas.quotas}" to ${role};
    grant all on all sequences in schema "${schemas.events}" to ${role};
    grant select on "${schemas.audit}".records to ${role};`);
  const restricted = new Pool({
    connectionString: testInfra.databaseUrl,
    max: 4,
    options: `-c role=${role}`,
  });
  return {
    pool,
    schemas,
    store,
    audit,
    usage,
    noAudit: {
      pool: restricted,
      audit: new AuditLog(restricted, { schema: schemas.audit }),
      usage: new UsageCounters(restricted, { schema: schemas.quotas }),
    },
    async close() {
      await restricted.end();
      for (const schema of Object.values(schemas))
        await pool.query(`drop schema if exists "${schema}" cascade`);
      await pool.query(`drop owned by ${role}`);
      await pool.query(`drop role ${role}`);
      await pool.end();
    },
  };
}
