import type { PoolClient } from 'pg';

/** Anything `pg` can run a query on: a pool, or a client (possibly inside the caller's transaction). */
export type Queryable = Pick<PoolClient, 'query'>;

export { inTransaction } from '@platform/postgres-kit';
