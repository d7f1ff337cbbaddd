import type { OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { AuditLog, DEFAULT_AUDIT_SCHEMA } from '@platform/audit';
import { UsageCounters } from '@platform/quotas';

/**
 * What the command service keeps in PostgreSQL besides its events, on one pool so that both join
 * an append's transaction: the platform's audit log (the registry's schema, so a command's record
 * extends the same per-tenant chain as the control plane's) and the quota usage counters.
 */
export class CommandDatabase implements OnApplicationShutdown {
  readonly audit: AuditLog;
  readonly usage: UsageCounters;

  constructor(readonly pool: Pool) {
    this.audit = new AuditLog(pool, { schema: DEFAULT_AUDIT_SCHEMA });
    this.usage = new UsageCounters(pool);
  }

  /** A database on its own pool, migrated (idempotent; several instances may start at once). */
  static async open(connectionString: string, poolSize: number): Promise<CommandDatabase> {
    const pool = new Pool({ connectionString, max: poolSize });
    // Without a listener, an idle connection that fails would crash the process.
    pool.on('error', () => undefined);
    const database = new CommandDatabase(pool);
    try {
      await database.audit.migrate();
      await database.usage.migrate();
    } catch (error) {
      await pool.end();
      throw error;
    }
    return database;
  }

  async ping(): Promise<void> {
    await this.pool.query('select 1');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
