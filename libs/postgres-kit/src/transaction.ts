import type { Pool, PoolClient, QueryConfig } from 'pg';

export interface TransactionOptions {
  /** What opens the transaction; default `begin` (e.g. `begin isolation level repeatable read`). */
  readonly begin?: string;
  /** Client-side bound of every statement the helper sends itself (`begin`, `commit`), in ms. */
  readonly queryTimeoutMs?: number;
}

/**
 * Holds `client` (checked out of a pool) for `work`, with a listener for its `error` event: a pool
 * listens for the errors of its idle clients only, and a connection the server ends while a client
 * is checked out but between two statements (a restart, a terminated backend) would otherwise be
 * an uncaught exception that ends the process. The error is kept: the next statement fails with it,
 * and the client is discarded instead of returned to the pool.
 */
export async function holdingClient<T>(
  client: PoolClient,
  work: (lost: () => Error | undefined) => Promise<T>,
): Promise<T> {
  let lost: Error | undefined;
  const onError = (error: Error): void => {
    lost = error;
  };
  client.on('error', onError);
  try {
    return await work(() => lost);
  } finally {
    client.removeListener('error', onError);
  }
}

/**
 * Runs `work` in one transaction on a pooled client: commits what it did, or rolls back and
 * rethrows. A client whose transaction failed (or whose connection broke meanwhile: see
 * {@link holdingClient}) may be in an unknown state: it is discarded, not returned to the pool.
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
  return holdingClient(client, async (lost) => {
    try {
      await client.query(statement(options.begin ?? 'begin'));
      const result = await work(client);
      await client.query(statement('commit'));
      return result;
    } catch (error) {
      failed = true;
      if (lost() === undefined) await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release(failed || lost() !== undefined);
    }
  });
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
