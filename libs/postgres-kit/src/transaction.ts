import type { Pool, PoolClient, QueryConfig } from 'pg';

export interface TransactionOptions {
  /** What opens the transaction; default `begin` (e.g. `begin isolation level repeatable read`). */
  readonly begin?: string;
  /** Client-side bound of every statement the helper sends itself (`begin`, `commit`), in ms. */
  readonly queryTimeoutMs?: number;
}

/**
 * Runs `work` in one transaction on a pooled client: commits what it did, or rolls back and
 * rethrows. A client whose transaction failed may be in an unknown state: it is discarded, not
 * returned to the pool.
 *
 * @example
 * const id = await inTransaction(pool, async (client) => {
 *   await client.query('select pg_advisory_xact_lock(hashtext($1))', [key]);
 *   return (await client.query('insert ... returning id')).rows[0].id;
 * });
 */
export async function inTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const client = await pool.connect();
  const statement = (text: string): QueryConfig | string =>
    options.queryTimeoutMs === undefined
      ? text
      : ({ text, query_timeout: options.queryTimeoutMs } as QueryConfig);
  let failed = false;
  try {
    await client.query(statement(options.begin ?? 'begin'));
    const result = await work(client);
    await client.query(statement('commit'));
    return result;
  } catch (error) {
    failed = true;
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release(failed);
  }
}

/**
 * Runs `ddl` (idempotent statements: `create ... if not exists`, `create or replace`) in one
 * transaction under `pg_advisory_xact_lock(hashtext(lockKey))`, so that several processes starting
 * at once migrate one after the other and none sees a half-made schema.
 */
export async function migrateUnderLock(
  pool: Pool,
  lockKey: string,
  ddl: string,
  options: Pick<TransactionOptions, 'queryTimeoutMs'> = {},
): Promise<void> {
  const bounded = (text: string, values: unknown[] = []): QueryConfig =>
    ({
      text,
      values,
      ...(options.queryTimeoutMs !== undefined && { query_timeout: options.queryTimeoutMs }),
    }) as QueryConfig;
  await inTransaction(
    pool,
    async (client) => {
      await client.query(bounded('select pg_advisory_xact_lock(hashtext($1))', [lockKey]));
      await client.query(bounded(ddl));
    },
    options,
  );
}
