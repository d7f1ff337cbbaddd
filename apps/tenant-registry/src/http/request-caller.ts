import { ProblemError } from '@platform/contracts';
import { currentTraceHeaders } from '@platform/observability';
import { correlationIdOf, headerValue, type Claims, type IdentifiedRequest } from '@platform/tenancy';
import type { Caller } from '../tenants/caller';

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The authenticated caller's claims (the guard put them there). */
export function claimsOf(request: IdentifiedRequest): Claims {
  const claims = request.identity?.claims;
  if (!claims) throw new ProblemError('unauthorized', 'no caller');
  return claims;
}

/** Who asks, as events and audit records name them: `sub`, the request and its correlation. */
export function callerOf(request: IdentifiedRequest): Caller {
  // the request's own span (always there: trace context is propagated even when nothing is exported)
  const traceparent = currentTraceHeaders().traceparent ?? headerValue(request, 'traceparent');
  return {
    actor: claimsOf(request).sub,
    requestId: request.id,
    correlationId: correlationIdOf(request),
    causationId: request.id,
    ...(traceparent !== undefined && TRACEPARENT.test(traceparent) && { traceparent }),
  };
}
