import type { Pool, QueryConfig } from 'pg';
import type { LeaseExchange, LeaseGrant, LeaseReturn, LeaseStore } from '../lease/lease-exchange';
import { deleteEndedWindowsSql, giveBackSql, leaseExchangeSql } from './lease-statements.sql';

/** Ended windows are kept this long (for inspection), then deleted. */
const KEEP_ENDED_MS = 60 * 60_000;

/**
 * {@link LeaseStore} on the `budget_windows` table: one statement per exchange, on the caller's
 * pool. Until {@link markReady} (the table exists), every exchange fails at once, without a round
 * trip, so the limiter decides from memory.
 */
export class PostgresLeaseStore implements LeaseStore {
  private ready = false;
  private readonly exchangeSql: string;
  private readonly giveBackSql: string;
  private readonly statementName: string;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {
    this.exchangeSql = leaseExchangeSql(schema);
    this.giveBackSql = giveBackSql(schema);
    this.statementName = `rate-limit-lease:${schema}`;
  }

  markReady(): void {
    this.ready = true;
  }

  async exchange(request: LeaseExchange): Promise<LeaseGrant> {
    if (!this.ready) throw new Error('rate limits: the budget table is not ready');
    const { rows } = await this.pool.query<{ last_grant: number; granted: number; expire: string }>({
      name: this.statementName,
      text: this.exchangeSql,
      values: [
        request.key,
        request.ask,
        request.policy.quota,
        request.policy.windowSeconds * 1_000,
        request.now,
        request.returned,
        request.returnedExpire ?? null,
      ],
    } satisfies QueryConfig);
    const row = rows[0];
    if (!row) throw new Error('rate limits: the lease statement returned no row');
    return { granted: row.last_grant, totalGranted: row.granted, expire: Number(row.expire) };
  }

  async giveBack(unused: LeaseReturn): Promise<void> {
    if (!this.ready) return;
    await this.pool.query(this.giveBackSql, [unused.key, unused.units, unused.expire, unused.now]);
  }

  /** Deletes windows that ended over an hour ago; returns how many. */
  async deleteEndedWindows(now: number): Promise<number> {
    if (!this.ready) return 0;
    const result = await this.pool.query(deleteEndedWindowsSql(this.schema), [now - KEEP_ENDED_MS]);
    return result.rowCount ?? 0;
  }
}
