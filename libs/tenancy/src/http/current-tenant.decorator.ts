import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { TenantContext } from '../tenant-context';
import type { IdentifiedRequest } from './request-identity';

/** Injects the request's tenant context into a handler parameter (tenant-scoped routes only). */
export const CurrentTenant = createParamDecorator(
  (_data: unknown, context: ExecutionContext): TenantContext => {
    const tenant = context.switchToHttp().getRequest<IdentifiedRequest>().identity?.tenant;
    if (!tenant) throw new Error('CurrentTenant used on a route that is not tenant-scoped');
    return tenant;
  },
);
