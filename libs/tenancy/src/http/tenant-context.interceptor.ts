import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { TenantContextStore } from '../tenant-context';
import type { IdentifiedRequest } from './request-identity';

/**
 * Runs the handler inside the request's tenant context (set by {@link TenantGuard}) so that
 * everything the handler starts (Kafka sends, database calls, logs) sees the tenant.
 */
@Injectable()
export class TenantContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const tenant = context.switchToHttp().getRequest<IdentifiedRequest>().identity?.tenant;
    if (!tenant) return next.handle();
    return new Observable((subscriber) =>
      TenantContextStore.run(tenant, () => next.handle().subscribe(subscriber)),
    );
  }
}
