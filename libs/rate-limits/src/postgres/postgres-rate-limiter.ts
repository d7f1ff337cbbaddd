import { Pool } from 'pg';
import type { Logger } from '@platform/observability';
import { migrateUnderLock } from '@platform/postgres-kit';
import { LeasedRateLimiter } from '../lease/leased-rate-limiter';
import type { RateLimitPolicy } from '../rate-limit-policy';
import type { RateLimitDecision, RateLimiter } from '../rate-limiter';
import { PostgresLeaseStore } from './postgres-lease-store';
import {
  assertRateLimitSchemaName,
  DEFAULT_RATE_LIMIT_SCHEMA,
  rateLimitMigrationLockKey,
  rateLimitSchemaDdl,
} from './rate-limit-schema.sql';

export interface PostgresRateLimiterConfig {
  readonly connectionString: string;
  /** Schema of the budgets table; default `rate_limits`. */
  readonly schema?: string;
  /** Default 4: lease statements are a few per second per active tenant. */
  readonly poolSize?: number;
  /** How long a PostgreSQL call may take before the in-memory insurance answers; default 500 ms. */
  readonly timeoutMs?: number;
  /** How often to retry creating the table when PostgreSQL was down at start; default 5 s. */
  readonly migrationRetryMs?: number;
  /** After a failed lease statement, decide from memory for this long before asking again; default 1 s. */
  readonly storeRetryMs?: number;
  readonly logger?: Logger;
}

const MIGRATION_TIMEOUT_MS = 10_000;
const CLEANUP_EVERY_MS = 5 * 60_000;

/**
 * {@link RateLimiter} whose budgets live in PostgreSQL and are spent from memory (ADR 0014 on ADR
 * 0008): each instance leases a block of a tenant's window from the shared row in
 * `<schema>.budget_windows` and decides from it; a request waits for PostgreSQL only when the
 * instance's lease is spent and the window may have more. Every instance on the same database
 * shares a tenant's budget: a tenant gets at most its quota per window, and may be refused early by
 * at most one lease per other instance (`leaseSizing`: 5 % of the quota). When PostgreSQL fails or is
 * slow (`timeoutMs`), a per-instance in-memory window answers, and PostgreSQL is asked again after
 * `storeRetryMs`.
 *
 * @example
 * const limiter = await PostgresRateLimiter.create({ connectionString: process.env.DATABASE_URL! });
 * const decision = await limiter.consume(tenantId, { name: 'free', quota: 10, windowSeconds: 2 });
 * await limiter.close();
 */
export class PostgresRateLimiter implements RateLimiter {
  private readonly store: PostgresLeaseStore;
  private readonly leases: LeasedRateLimiter;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  private readonly cleanup: NodeJS.Timeout;

  private constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly config: PostgresRateLimiterConfig,
  ) {
    this.store = new PostgresLeaseStore(pool, schema);
    this.leases = new LeasedRateLimiter({
      store: this.store,
      ...(config.storeRetryMs !== undefined && { storeRetryMs: config.storeRetryMs }),
      ...(config.logger && { logger: config.logger }),
    });
    this.cleanup = setInterval(() => void this.deleteEndedWindows(), CLEANUP_EVERY_MS);
    this.cleanup.unref();
  }

  /**
   * A limiter on its own pool, which {@link close} ends. Creates the table first; if PostgreSQL does
   * not answer, starts anyway (in-memory budgets) and keeps trying in the background.
   */
  static async create(config: PostgresRateLimiterConfig): Promise<PostgresRateLimiter> {
    const timeoutMs = config.timeoutMs ?? 500;
    const pool = new Pool({
      connectionString: config.connectionString,
      max: config.poolSize ?? 4,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
    });
    // an idle connection that fails is replaced on the next query; without a listener it would crash
    pool.on('error', () => undefined);
    const schema = assertRateLimitSchemaName(config.schema ?? DEFAULT_RATE_LIMIT_SCHEMA);
    const limiter = new PostgresRateLimiter(pool, schema, config);
    await limiter.migrateOrRetry();
    return limiter;
  }

  consume(key: string, policy: RateLimitPolicy): Promise<RateLimitDecision> {
    return this.leases.consume(`tenant:${key}`, policy);
  }

  /** Gives unused leases back, then ends the pool. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    clearInterval(this.cleanup);
    await this.leases.close();
    await this.pool.end();
  }

  private async deleteEndedWindows(): Promise<void> {
    try {
      await this.store.deleteEndedWindows(Date.now());
    } catch (error) {
      this.config.logger?.warn({ err: error }, 'rate limits: could not delete ended windows');
    }
  }

  private async migrateOrRetry(): Promise<void> {
    try {
      await migrateUnderLock(
        this.pool,
        rateLimitMigrationLockKey(this.schema),
        rateLimitSchemaDdl(this.schema),
        {
          // Waiting for another instance's migration may take longer than a request's timeout.
          queryTimeoutMs: MIGRATION_TIMEOUT_MS,
        },
      );
      this.store.markReady();
    } catch (error) {
      if (this.closed) return;
      const retryMs = this.config.migrationRetryMs ?? 5_000;
      this.config.logger?.warn(
        { err: error, retryMs },
        'rate limits: PostgreSQL unavailable, counting in memory until it answers',
      );
      this.retry = setTimeout(() => void this.migrateOrRetry(), retryMs);
      this.retry.unref();
    }
  }
}
