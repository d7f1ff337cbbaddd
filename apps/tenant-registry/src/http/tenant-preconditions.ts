import type { FastifyReply } from 'fastify';
import { ifMatchOfHeader, versionETag, type EntityTagCondition } from '@platform/contracts';
import type { IdentifiedRequest } from '@platform/tenancy';
import type { TenantRecord } from '../registry/tenant-record';

/**
 * The request's `If-Match` on the tenant's version (ADR 0011); undefined when absent, a 400 when
 * malformed. The tenant commands compare it with the version they load.
 */
export const ifMatchOf = (request: IdentifiedRequest): EntityTagCondition | undefined =>
  ifMatchOfHeader(request.headers['if-match']);

/** Answers with the tenant's `ETag: "<version>"`, what a later `If-Match` names. */
export function withETag(reply: FastifyReply, tenant: TenantRecord): TenantRecord {
  void reply.header('etag', versionETag(tenant.version));
  return tenant;
}
