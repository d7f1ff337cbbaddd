import { isUuid, ProblemError } from '@platform/contracts';
import { correlationIdOf, type IdentifiedRequest, type TenantDirectory } from '@platform/tenancy';
import type { Operator } from './parked-aggregates';

/** The platform admin behind an operator request (the guard checked the role). */
export function operatorOf(request: IdentifiedRequest): Operator {
  const sub = request.identity?.claims.sub;
  if (sub === undefined) throw new ProblemError('unauthorized', 'no caller');
  return { actor: sub, requestId: request.id, correlationId: correlationIdOf(request) };
}

/** A tenant named in a path by id or slug; an unknown slug is a 404. */
export function tenantIdOf(directory: TenantDirectory, idOrSlug: string): string {
  const name: string = idOrSlug;
  if (isUuid(idOrSlug)) return idOrSlug.toLowerCase();
  const known = directory.byTenantSlug(name);
  if (!known) throw new ProblemError('notFound', `no tenant ${name}`);
  return known.tenantId;
}
