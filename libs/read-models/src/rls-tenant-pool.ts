import { Pool, type PoolClient, type QueryConfig, type QueryResultRow } from 'pg';
import { RLS_ROLE } from './tenant-storage';

/**
 * Connections to the main read-model database for reads of the shared schema, where row-level
 * security is what keeps tenants apart. Every connection runs as the RLS role from its start
 * (`-c role=…` at connect), so nothing sent on it can read as the tables' owner. Each query first
 * sets `app.tenant_id` (the policies' tenant), pipelined with it in the same round trip: the server
 * runs the two in order on that connection. Its rows are returned only if the setting answered the
 * tenant; otherwise the query is an error and the connection is discarded, so a read never runs
 * under the previous query's tenant.
 *
 * @example
 * const pool = new RlsTenantPool(databaseUrl, 10);
 * const rows = await pool.query(tenantId, { name: 'orders-count', text: 'SELECT count(*) FROM tenant_shared.orders' });
 * // counts this tenant's rows only, whatever the SQL says
 */
export class RlsTenantPool {
  private readonly pool: Pool;

  constructor(databaseUrl: string, max: number) {
    this.pool = new Pool({
      connectionString: databaseUrl,
      max,
      application_name: 'read-models-reader',
      options: `-c role=${RLS_ROLE}`,
      pipeline: true,
    });
    // An idle connection that breaks (server restart) must not crash the process.
    this.pool.on('error', () => undefined);
  }

  async query<R extends QueryResultRow>(tenantId: string, statement: QueryConfig): Promise<R[]> {
    const client: PoolClient = await this.pool.connect();
    let broken: Error | undefined;
    // a connection that breaks while checked out is an error event on the client, not the pool
    const onError = (error: Error): void => {
      broken = error;
    };
    client.on('error', onError);
    try {
      // Both are written before either answers (pipeline mode).
      const setting = client.query<{ tenant: string }>({
        name: 'rls-tenant-setting',
        text: `SELECT set_config('app.tenant_id', $1, false) AS tenant`,
        values: [tenantId],
      });
      const read = client.query<R>(statement);
      const [set, result] = await Promise.allSettled([setting, read]);
      if (set.status === 'rejected') throw (broken = asError(set.reason));
      if (set.value.rows[0]?.tenant !== tenantId) {
        throw (broken = new Error('app.tenant_id did not take the tenant: the read is discarded'));
      }
      if (result.status === 'rejected') throw asError(result.reason);
      return result.value.rows;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
