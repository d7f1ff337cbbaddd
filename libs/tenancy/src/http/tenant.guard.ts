import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ProblemError } from '@platform/contracts';
import { ApiKeyDirectory } from '../api-keys';
import { hasRole, type Claims } from '../claims';
import type { TokenVerifier } from '../token-verifier';
import { TenantDirectory } from '../tenant-directory';
import { resolveTenant } from '../tenant-resolution';
import { ACCESS_RULE, type AccessRule } from './access.decorator';
import { correlationIdOf, headerValue, type IdentifiedRequest } from './request-identity';

export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');

/**
 * Authenticates the caller and fixes the request's tenant: from the token's claims and the
 * `X-Tenant-ID` header, never from the body. Routes without an {@link AccessRule} are refused.
 */
@Injectable()
export class TenantGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verify: TokenVerifier,
    private readonly directory: TenantDirectory,
    private readonly apiKeys: ApiKeyDirectory,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!rule) throw new ProblemError('forbidden', 'this route declares no access rule');
    if (rule.scope === 'public') return true;

    const request = context.switchToHttp().getRequest<IdentifiedRequest>();
    const claims = await this.authenticate(request);
    if (rule.scope === 'authenticated') {
      request.identity = { claims };
      return true;
    }
    if (rule.scope === 'tenant-admin') {
      this.checkTenantAdmin(claims, request.params?.[rule.param]);
      request.identity = { claims };
      return true;
    }
    if (!hasRole(claims.roles, rule.role)) {
      throw new ProblemError('forbidden', `this operation needs the ${rule.role} role`);
    }
    if (rule.scope === 'platform') {
      request.identity = { claims };
      return true;
    }
    const tenantId = resolveTenant(claims, headerValue(request, 'x-tenant-id'), this.directory, rule.mode);
    request.identity = {
      claims,
      tenant: {
        tenantId,
        actor: claims.sub,
        roles: claims.roles,
        correlationId: correlationIdOf(request),
        causationId: request.id,
      },
    };
    return true;
  }

  /** A platform admin may; a tenant admin only for a tenant its credentials name. */
  private checkTenantAdmin(claims: Claims, idOrSlug: string | undefined): void {
    if (hasRole(claims.roles, 'platform-admin')) return;
    if (!hasRole(claims.roles, 'tenant-admin')) {
      throw new ProblemError('forbidden', 'this operation needs the tenant-admin or platform-admin role');
    }
    const tenantId =
      idOrSlug === undefined
        ? undefined
        : (this.directory.byTenantSlug(idOrSlug)?.tenantId ?? idOrSlug.toLowerCase());
    if (tenantId === undefined || !claims.tenants.includes(tenantId)) {
      throw new ProblemError('tenantForbidden', 'the caller may not administer this tenant');
    }
  }

  /** `X-API-Key` (a tenant's key) or `Authorization: Bearer <JWT>`; either way, claims. */
  private async authenticate(request: IdentifiedRequest): Promise<Claims> {
    const apiKey = headerValue(request, 'x-api-key');
    if (apiKey !== undefined) return this.apiKeys.authenticate(apiKey);
    return await this.verify(bearerToken(request));
  }
}

function bearerToken(request: IdentifiedRequest): string {
  const authorization = headerValue(request, 'authorization');
  if (authorization === undefined) throw new ProblemError('unauthorized', 'missing Authorization header');
  const [scheme, token] = authorization.split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !token) {
    throw new ProblemError('unauthorized', 'the Authorization header must be "Bearer <token>"');
  }
  return token;
}
