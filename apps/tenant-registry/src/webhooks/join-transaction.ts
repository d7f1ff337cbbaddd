import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';

let savepoints = 0;

/**
 * A `Pool` whose every query runs on `tx`, inside the caller's open transaction, so that a library
 * written against a pool (the webhooks lib) writes in the transaction that also writes the audit
 * record. A transaction the library opens on it becomes a savepoint: its commit releases the
 * savepoint, its rollback returns to it, and nothing is committed before the caller commits.
 */
export function joinTransaction(tx: PoolClient): Pool {
  const query = <R extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>> =>
    tx.query<R>(text, values);
  const connect = async () => {
    const savepoint = `joined_${++savepoints}`;
    return {
      query: <R extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>> => {
        switch (text.trim().toLowerCase()) {
          case 'begin':
            return tx.query<R>(`savepoint ${savepoint}`);
          case 'commit':
            return tx.query<R>(`release savepoint ${savepoint}`);
          case 'rollback':
            return tx.query<R>(`rollback to savepoint ${savepoint}`);
          default:
            return query<R>(text, values);
        }
      },
      release: () => undefined,
      // a broken connection is the caller's transaction's: its listeners are the joined client's
      on: (event: 'error', listener: (error: Error) => void) => tx.on(event, listener),
      removeListener: (event: 'error', listener: (error: Error) => void) =>
        tx.removeListener(event, listener),
    };
  };
  return { query, connect } as unknown as Pool;
}
