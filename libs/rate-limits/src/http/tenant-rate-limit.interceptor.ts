import {
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { ProblemError } from '@platform/contracts';
import { tenantLabel } from '@platform/observability';
import {
  ACCESS_RULE,
  hasRole,
  TenantDirectory,
  type AccessRule,
  type IdentifiedRequest,
} from '@platform/tenancy';
import { refusalsTotal } from '../lease/rate-limit-metrics';
import { rateLimitHeaders, retryAfterSeconds } from '../rate-limit-headers';
import { policyForPlan, type PlanRateLimits } from '../rate-limit-policy';
import { RATE_LIMIT_PLANS, RATE_LIMITER, type RateLimiter } from '../rate-limiter';

/** The part of a (fastify) reply the interceptor writes to. */
interface HeaderSink {
  header(name: string, value: string): unknown;
}

/**
 * Counts every tenant-scoped request against its tenant's budget, from the tenant's current plan
 * in the {@link TenantDirectory} (a plan change applies with the next request). Tenant routes
 * count against the request's tenant (set by `TenantGuard`, which runs first: guards run before
 * interceptors); `tenant-admin` routes against the tenant they name, except for platform admins.
 * Public, `authenticated` and `platform` routes are not limited. Every limited response carries
 * `RateLimit-Policy` and `RateLimit`; a refused one is a `429` problem with `Retry-After`.
 */
@Injectable()
export class TenantRateLimitInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(RATE_LIMIT_PLANS) private readonly plans: PlanRateLimits,
    private readonly directory: TenantDirectory,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [
      context.getHandler(),
      context.getClass(),
    ]);
    const http = context.switchToHttp();
    const tenantId = this.limitedTenantOf(rule, http.getRequest<IdentifiedRequest>());
    const plan = tenantId === undefined ? undefined : this.directory.byTenantId(tenantId)?.plan;
    if (tenantId === undefined || plan === undefined) return next.handle();

    const policy = policyForPlan(plan, this.plans);
    const decision = await this.limiter.consume(tenantId, policy);
    const headers = rateLimitHeaders(policy, decision);
    const reply = http.getResponse<HeaderSink>();
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    if (!decision.allowed) {
      refusalsTotal.inc({ tenant: tenantLabel(tenantId), plan });
      const retryAfter = retryAfterSeconds(decision);
      throw new ProblemError(
        'rateLimited',
        `the tenant's ${plan} plan allows ${policy.quota} requests per ${policy.windowSeconds} s; retry in ${retryAfter} s`,
        undefined,
        { ...headers, 'retry-after': String(retryAfter) },
      );
    }
    return next.handle();
  }

  private limitedTenantOf(rule: AccessRule | undefined, request: IdentifiedRequest): string | undefined {
    switch (rule?.scope) {
      case 'tenant':
        return request.identity?.tenant?.tenantId;
      case 'tenant-admin': {
        const idOrSlug = request.params?.[rule.param];
        const claims = request.identity?.claims;
        if (idOrSlug === undefined || !claims || hasRole(claims.roles, 'platform-admin')) return undefined;
        return (
          this.directory.byTenantSlug(idOrSlug)?.tenantId ??
          this.directory.byTenantId(idOrSlug.toLowerCase())?.tenantId
        );
      }
      default:
        return undefined;
    }
  }
}
