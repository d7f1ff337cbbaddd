import { Injectable } from '@nestjs/common';
import { ProblemError } from '@platform/contracts';
import type { Claims } from '@platform/tenancy';
import { refusalError } from '@platform/command-handling';
import { RegistryDatabase } from '../registry/registry-database';
import type { TenantRecord } from '../registry/tenant-record';
import { administrationRefusal, pathTenantRefusal } from './path-tenant';

/** Finds the tenant a route's path names (id or slug); the problem to answer when it cannot. */
@Injectable()
export class PathTenants {
  constructor(private readonly db: RegistryDatabase) {}

  /** The tenant, for a platform admin: 400 for a malformed name, 404 for an unknown tenant. */
  async find(idOrSlug: string): Promise<TenantRecord> {
    const malformed = pathTenantRefusal(idOrSlug);
    if (malformed) throw refusalError(malformed);
    const tenant = await this.db.tenants.find(idOrSlug);
    if (!tenant) throw new ProblemError('notFound', `tenant ${idOrSlug} not found`);
    return tenant;
  }

  /** The tenant, for whoever may administer it (platform admin, or its own tenant admin): else 403. */
  async administered(idOrSlug: string, claims: Claims): Promise<TenantRecord> {
    const tenant = await this.find(idOrSlug);
    const refusal = administrationRefusal(claims, tenant.id);
    if (refusal) throw refusalError(refusal);
    return tenant;
  }
}
