import type { Pool, PoolClient, QueryConfig, QueryResult, QueryResultRow } from 'pg';
import { assertTenantId } from '../guards';
import { inTransaction } from '@platform/postgres-kit';

/**
 * Runs the adapter's statements. Without row-level security a statement is one pool query (one round
 * trip). With it, a tenant-scoped statement runs in a transaction that first sets `app.tenant_id`
 * (three round trips: begin + set_config, the statement, commit); a statement for no tenant (`null`:
 * relay, cross-tenant reads) runs as is, and sees every tenant only if the role bypasses RLS.
 */
export interface SqlExecutor {
  query<R extends QueryResultRow>(statement: QueryConfig, tenantId: string | null): Promise<QueryResult<R>>;
  /** Runs `work` in one transaction, tenant-scoped as above. */
  transaction<T>(tenantId: string | null, work: (client: PoolClient) => Promise<T>): Promise<T>;
}

export function createSqlExecutor(pool: Pool, rowLevelSecurity: boolean): SqlExecutor {
  const transaction = <T>(tenantId: string | null, work: (client: PoolClient) => Promise<T>): Promise<T> =>
    inTransaction(pool, work, { begin: beginFor(rowLevelSecurity ? tenantId : null) });

  return {
    query: <R extends QueryResultRow>(statement: QueryConfig, tenantId: string | null) =>
      rowLevelSecurity && tenantId !== null
        ? transaction(tenantId, (client) => client.query<R>(statement))
        : pool.query<R>(statement),
    transaction,
  };
}

/**
 * `begin`, and for a tenant the transaction-local setting, in one simple-protocol round trip. The
 * tenant id is inlined: it is checked to be a UUID first, so it cannot carry SQL.
 */
function beginFor(tenantId: string | null): string {
  if (tenantId === null) return 'begin';
  assertTenantId(tenantId);
  return `begin; select set_config('app.tenant_id', '${tenantId.toLowerCase()}', true)`;
}
