import {
  Inject,
  Module,
  type DynamicModule,
  type InjectionToken,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { Pool } from 'pg';
import type { Logger } from '@platform/observability';
import { IdempotencyInterceptor } from '../http/idempotency.interceptor';
import { PendingClaims } from '../http/pending-claims';
import { IDEMPOTENCY_LOGGER, IdempotencyResponseRecorder } from '../http/response-recorder';
import { IDEMPOTENCY_STORE } from '../idempotency-store';
import { PostgresIdempotencyStore } from '../postgres/postgres-idempotency-store';

export interface IdempotencyModuleConfig {
  /** PostgreSQL that holds the records every instance shares. */
  readonly connectionString: string;
  readonly logger: Logger;
  /** Default 4: two short statements per keyed write. */
  readonly poolSize?: number;
  /** Schema of the records; default `idempotency`. */
  readonly schema?: string;
  /** How long a first answer is kept; default 24 h. */
  readonly ttlMs?: number;
  /** After how long an unfinished claim may be taken over; default 60 s. */
  readonly staleClaimMs?: number;
  /** How often expired records are deleted; default every 10 minutes. */
  readonly sweepIntervalMs?: number;
  /** How often to retry creating the table when PostgreSQL was down at start; default 5 s. */
  readonly migrationRetryMs?: number;
}

export interface IdempotencyModuleAsyncOptions {
  readonly inject?: InjectionToken[];
  readonly useFactory: (...args: never[]) => IdempotencyModuleConfig;
}

const IDEMPOTENCY_CONFIG = Symbol('IDEMPOTENCY_CONFIG');
const IDEMPOTENCY_POOL = Symbol('IDEMPOTENCY_POOL');

/** Creates the table (retrying while PostgreSQL is down), sweeps expired records, ends the pool. */
class IdempotencyLifecycle implements OnModuleInit, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @Inject(IDEMPOTENCY_CONFIG) private readonly config: IdempotencyModuleConfig,
    @Inject(IDEMPOTENCY_POOL) private readonly pool: Pool,
    @Inject(IDEMPOTENCY_STORE) private readonly store: PostgresIdempotencyStore,
    @Inject(IDEMPOTENCY_LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.migrateThenSweep();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.pool.end();
  }

  /** Until the table exists, keyed writes are 503s; writes without a key are not affected. */
  private async migrateThenSweep(): Promise<void> {
    try {
      await this.store.migrate();
    } catch (error) {
      if (this.stopped) return;
      const retryMs = this.config.migrationRetryMs ?? 5_000;
      this.logger.warn({ err: error, retryMs }, 'idempotency: PostgreSQL unavailable, keyed writes refused');
      this.schedule(() => this.migrateThenSweep(), retryMs);
      return;
    }
    this.schedule(() => this.sweep(), this.config.sweepIntervalMs ?? 10 * 60_000);
  }

  private async sweep(): Promise<void> {
    try {
      const deleted = await this.store.deleteExpired();
      if (deleted > 0) this.logger.info({ deleted }, 'idempotency: expired records deleted');
    } catch (error) {
      this.logger.warn({ err: error }, 'idempotency: sweep failed');
    }
    this.schedule(() => this.sweep(), this.config.sweepIntervalMs ?? 10 * 60_000);
  }

  private schedule(work: () => Promise<void>, delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void work(), delayMs);
    this.timer.unref();
  }
}

/**
 * `Idempotency-Key` on every write route of a service ({@link IdempotencyInterceptor}), with the
 * records in PostgreSQL that all instances share. Needs the guard of `ServiceKitModule` (`tenancy`)
 * to have identified the caller, and fastify. Import it after `RateLimitModule`: interceptors run in
 * registration order, and a request refused by the rate limit (429) must not claim its key.
 *
 * @example
 * ```ts
 * IdempotencyModule.forRootAsync({
 *   useFactory: () => ({ connectionString: config.DATABASE_URL, logger }),
 * })
 * ```
 */
@Module({})
export class IdempotencyModule {
  static forRootAsync(options: IdempotencyModuleAsyncOptions): DynamicModule {
    return {
      module: IdempotencyModule,
      providers: [
        { provide: IDEMPOTENCY_CONFIG, inject: options.inject ?? [], useFactory: options.useFactory },
        {
          provide: IDEMPOTENCY_LOGGER,
          inject: [IDEMPOTENCY_CONFIG],
          useFactory: (config: IdempotencyModuleConfig) => config.logger.child({ component: 'idempotency' }),
        },
        {
          provide: IDEMPOTENCY_POOL,
          inject: [IDEMPOTENCY_CONFIG],
          useFactory: (config: IdempotencyModuleConfig): Pool => {
            const pool = new Pool({
              connectionString: config.connectionString,
              max: config.poolSize ?? 4,
              connectionTimeoutMillis: 2_000,
              query_timeout: 5_000,
            });
            // an idle connection that fails is replaced on the next query; without a listener it would crash
            pool.on('error', () => undefined);
            return pool;
          },
        },
        {
          provide: IDEMPOTENCY_STORE,
          inject: [IDEMPOTENCY_CONFIG, IDEMPOTENCY_POOL],
          useFactory: (config: IdempotencyModuleConfig, pool: Pool) =>
            new PostgresIdempotencyStore(pool, {
              ...(config.schema !== undefined && { schema: config.schema }),
              ...(config.ttlMs !== undefined && { ttlMs: config.ttlMs }),
              ...(config.staleClaimMs !== undefined && { staleClaimMs: config.staleClaimMs }),
            }),
        },
        IdempotencyLifecycle,
        PendingClaims,
        IdempotencyResponseRecorder,
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
      exports: [IDEMPOTENCY_STORE, PendingClaims],
    };
  }
}
