import type { Claims } from '../claims';
import type { TenantContext } from '../tenant-context';

/** What the guard attaches to the (fastify) request. */
export interface RequestIdentity {
  readonly claims: Claims;
  /** Present on tenant-scoped routes. */
  readonly tenant?: TenantContext;
}

export interface IdentifiedRequest {
  id: string;
  /** Present on fastify requests; a signed internal context is bound to them. */
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, string | undefined>;
  identity?: RequestIdentity;
}

const CORRELATION = /^[A-Za-z0-9._:-]{1,128}$/;

export function headerValue(request: IdentifiedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The caller's `X-Correlation-ID` when it is sane, else the request id. */
export function correlationIdOf(request: IdentifiedRequest): string {
  const given = headerValue(request, 'x-correlation-id');
  return given !== undefined && CORRELATION.test(given) ? given : request.id;
}
