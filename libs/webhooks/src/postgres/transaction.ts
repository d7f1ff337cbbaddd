import type { Pool, PoolClient } from 'pg';

/** Anything `pg` can run a query on: a pool, or a client (possibly inside the caller's transaction). */
export type Queryable = Pick<PoolClient, 'query'>;

/** Runs `work` in a transaction on a pooled client; rolls back and rethrows if it fails. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    failed = true;
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    // A client whose transaction failed may be in an unknown state: the pool replaces it.
    client.release(failed);
  }
}
