import {
  Inject,
  Module,
  type DynamicModule,
  type InjectionToken,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { Logger } from '@platform/observability';
import { TenantRateLimitInterceptor } from '../http/tenant-rate-limit.interceptor';
import { PostgresRateLimiter } from '../postgres/postgres-rate-limiter';
import { policyForPlan, type PlanRateLimits } from '../rate-limit-policy';
import { RATE_LIMIT_PLANS, RATE_LIMITER, type RateLimiter } from '../rate-limiter';

export interface RateLimitModuleConfig {
  /** PostgreSQL that holds the budgets every instance shares. */
  readonly connectionString: string;
  /** The plans' limits: pass `PLANS`, the one place they are defined. */
  readonly plans: PlanRateLimits;
  readonly logger: Logger;
  readonly poolSize?: number;
  /** Schema of the budgets table; default `rate_limits`. */
  readonly schema?: string;
}

export interface RateLimitModuleAsyncOptions {
  readonly inject?: InjectionToken[];
  readonly useFactory: (...args: never[]) => RateLimitModuleConfig;
}

const RATE_LIMIT_CONFIG = Symbol('RATE_LIMIT_CONFIG');

class RateLimiterLifecycle implements OnApplicationShutdown {
  constructor(@Inject(RATE_LIMITER) private readonly limiter: RateLimiter) {}

  async onApplicationShutdown(): Promise<void> {
    await this.limiter.close();
  }
}

/**
 * Per-tenant rate limits by plan on a service's tenant routes ({@link TenantRateLimitInterceptor}),
 * with budgets in PostgreSQL that all instances share, spent from leases in memory (ADR 0014).
 * Needs the tenant directory of `ServiceKitModule` (`tenancy`). Every plan's limits are checked at
 * start.
 *
 * @example
 * ```ts
 * RateLimitModule.forRootAsync({
 *   useFactory: () => ({ connectionString: config.DATABASE_URL, plans: PLANS, logger }),
 * })
 * ```
 */
@Module({})
export class RateLimitModule {
  static forRootAsync(options: RateLimitModuleAsyncOptions): DynamicModule {
    return {
      module: RateLimitModule,
      providers: [
        {
          provide: RATE_LIMIT_CONFIG,
          inject: options.inject ?? [],
          useFactory: (...args: never[]): RateLimitModuleConfig => {
            const config = options.useFactory(...args);
            // A plan whose limits cannot be enforced stops the start, not a request.
            for (const plan of Object.keys(config.plans)) policyForPlan(plan, config.plans);
            return config;
          },
        },
        {
          provide: RATE_LIMIT_PLANS,
          inject: [RATE_LIMIT_CONFIG],
          useFactory: (config: RateLimitModuleConfig) => config.plans,
        },
        {
          provide: RATE_LIMITER,
          inject: [RATE_LIMIT_CONFIG],
          useFactory: (config: RateLimitModuleConfig): Promise<RateLimiter> =>
            PostgresRateLimiter.create({
              connectionString: config.connectionString,
              logger: config.logger.child({ component: 'rate-limits' }),
              ...(config.poolSize !== undefined && { poolSize: config.poolSize }),
              ...(config.schema !== undefined && { schema: config.schema }),
            }),
        },
        RateLimiterLifecycle,
        { provide: APP_INTERCEPTOR, useClass: TenantRateLimitInterceptor },
      ],
      exports: [RATE_LIMITER],
    };
  }
}
