import { Pool } from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { counter, type Logger } from '@platform/observability';
import type { RateLimitPolicy } from '../rate-limit-policy';
import type { RateLimitDecision, RateLimiter } from '../rate-limiter';
import {
  assertRateLimitSchemaName,
  BUDGETS_TABLE,
  DEFAULT_RATE_LIMIT_SCHEMA,
  rateLimitMigrationLockKey,
  rateLimitSchemaDdl,
} from './rate-limit-schema.sql';
import { migrateUnderLock } from '@platform/postgres-kit';

export interface PostgresRateLimiterConfig {
  readonly connectionString: string;
  /** Schema of the budgets table; default `rate_limits`. */
  readonly schema?: string;
  /** Default 4: one short upsert per limited request. */
  readonly poolSize?: number;
  /** How long a PostgreSQL call may take before the in-memory insurance answers; default 500 ms. */
  readonly timeoutMs?: number;
  /** How often to retry creating the table when PostgreSQL was down at start; default 5 s. */
  readonly migrationRetryMs?: number;
  readonly logger?: Logger;
}

const MIGRATION_TIMEOUT_MS = 10_000;

const decisions = counter('rate_limit_decisions_total', 'Rate-limited requests, by policy and outcome', [
  'policy',
  'outcome',
]);
const fallbacks = counter(
  'rate_limit_store_fallbacks_total',
  'Requests counted by the in-memory insurance limiter because PostgreSQL failed or was not ready',
  ['policy'],
);

/** Counts in this process only; answers while PostgreSQL does not (and says so in a metric). */
class InsuranceLimiter extends RateLimiterMemory {
  constructor(
    private readonly policyName: string,
    points: number,
    duration: number,
  ) {
    super({ keyPrefix: 'tenant', points, duration });
  }

  override consume(key: string | number, points?: number, options?: Record<string, unknown>) {
    fallbacks.inc({ policy: this.policyName });
    return super.consume(key, points, options);
  }
}

interface PolicyLimiters {
  readonly insurance: InsuranceLimiter;
  store?: RateLimiterPostgres;
}

/**
 * {@link RateLimiter} on PostgreSQL with rate-limiter-flexible (ADR 0008): a fixed window per key,
 * counted by one atomic upsert in `<schema>.budgets`, so every instance on the same database shares
 * a tenant's budget. Once a key has spent its quota, this process refuses it from memory until the
 * window ends, without asking PostgreSQL. When PostgreSQL fails or is slow (`timeoutMs`), an
 * in-memory limiter with the same policy answers: each instance then enforces the quota on its own.
 *
 * @example
 * const limiter = await PostgresRateLimiter.create({ connectionString: process.env.DATABASE_URL! });
 * const decision = await limiter.consume(tenantId, { name: 'free', quota: 10, windowSeconds: 2 });
 * await limiter.close();
 */
export class PostgresRateLimiter implements RateLimiter {
  private readonly byPolicy = new Map<string, PolicyLimiters>();
  private readonly schema: string;
  private migrated = false;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  private constructor(
    private readonly pool: Pool,
    private readonly config: PostgresRateLimiterConfig,
  ) {
    this.schema = assertRateLimitSchemaName(config.schema ?? DEFAULT_RATE_LIMIT_SCHEMA);
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
    const limiter = new PostgresRateLimiter(pool, config);
    await limiter.migrateOrRetry();
    return limiter;
  }

  async consume(key: string, policy: RateLimitPolicy): Promise<RateLimitDecision> {
    const limiters = this.limitersFor(policy);
    try {
      const result = await (limiters.store ?? limiters.insurance).consume(key);
      decisions.inc({ policy: policy.name, outcome: 'allowed' });
      return { allowed: true, remaining: result.remainingPoints, resetMs: result.msBeforeNext };
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      decisions.inc({ policy: policy.name, outcome: 'limited' });
      return { allowed: false, remaining: 0, resetMs: refusal.msBeforeNext };
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.pool.end();
  }

  /** One pair of limiters per distinct policy: a plan change picks another pair, same key. */
  private limitersFor(policy: RateLimitPolicy): PolicyLimiters {
    const id = `${policy.name}:${policy.quota}:${policy.windowSeconds}`;
    let limiters = this.byPolicy.get(id);
    if (!limiters) {
      limiters = { insurance: new InsuranceLimiter(policy.name, policy.quota, policy.windowSeconds) };
      this.byPolicy.set(id, limiters);
    }
    if (!limiters.store && this.migrated) {
      limiters.store = new RateLimiterPostgres({
        storeClient: this.pool,
        storeType: 'pool',
        schemaName: this.schema,
        tableName: BUDGETS_TABLE,
        tableCreated: true,
        keyPrefix: 'tenant',
        points: policy.quota,
        duration: policy.windowSeconds,
        // Spent: refuse from memory until the window ends, PostgreSQL is not asked again.
        inMemoryBlockOnConsumed: policy.quota,
        insuranceLimiter: limiters.insurance,
      });
    }
    return limiters;
  }

  private async migrateOrRetry(): Promise<void> {
    try {
      await this.migrate();
      this.migrated = true;
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

  /** Creates the schema and table if missing. Idempotent; safe from several instances at once. */
  private async migrate(): Promise<void> {
    // Waiting for another instance's migration may take longer than a request's timeout.
    await migrateUnderLock(
      this.pool,
      rateLimitMigrationLockKey(this.schema),
      rateLimitSchemaDdl(this.schema),
      {
        queryTimeoutMs: MIGRATION_TIMEOUT_MS,
      },
    );
  }
}
