import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ProblemError } from '@platform/contracts';
import { hasRole } from '../claims';
import { INTERNAL_CONTEXT_HEADER, type InternalContextCodec } from '../internal-context';
import { TenantDirectory } from '../tenant-directory';
import { statusRefusal } from '../tenant-resolution';
import { ACCESS_RULE, type AccessRule } from './access.decorator';
import { headerValue, type IdentifiedRequest } from './request-identity';

export const INTERNAL_CONTEXT_CODEC = Symbol('INTERNAL_CONTEXT_CODEC');

/**
 * The guard of a service that only the gateway calls (ADR 0017): the identity is the gateway's
 * signed {@link InternalContext}, never a bearer token, an API key or a bare `X-Tenant-ID`.
 * Without a valid context, 401. The route's role and the tenant's status (from this service's own
 * tenant directory) are checked again, so a route keeps its rule whichever gateway forwarded to it.
 * Only tenant-scoped (and public) routes can be served this way.
 */
@Injectable()
export class InternalContextGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(INTERNAL_CONTEXT_CODEC) private readonly codec: InternalContextCodec,
    private readonly directory: TenantDirectory,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!rule) throw new ProblemError('forbidden', 'this route declares no access rule');
    if (rule.scope === 'public') return true;

    const request = context.switchToHttp().getRequest<IdentifiedRequest>();
    const checked =
      request.method === undefined || request.url === undefined
        ? ({ ok: false, reason: 'missing' } as const)
        : this.codec.verify(headerValue(request, INTERNAL_CONTEXT_HEADER), {
            method: request.method,
            path: request.url,
          });
    if (!checked.ok) {
      throw new ProblemError(
        'unauthorized',
        `this service answers requests forwarded by the gateway only (internal context ${checked.reason})`,
      );
    }
    if (rule.scope !== 'tenant') {
      throw new ProblemError('forbidden', 'this route is not tenant-scoped and cannot be reached here');
    }
    const { tenantId, actor, roles, correlationId } = checked.context;
    if (!hasRole(roles, rule.role)) {
      throw new ProblemError('forbidden', `this operation needs the ${rule.role} role`);
    }
    const refusal = statusRefusal(this.directory.byTenantId(tenantId)?.status, rule.mode);
    if (refusal) throw ProblemError.from(refusal);
    request.identity = {
      claims: { sub: actor, tenants: [tenantId], roles: [...roles] },
      tenant: { tenantId, actor, roles, correlationId, causationId: request.id },
    };
    return true;
  }
}
