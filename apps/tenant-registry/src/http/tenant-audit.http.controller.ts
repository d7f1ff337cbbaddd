import { Controller, Get, Param, Query } from '@nestjs/common';
import type { ChainVerification, VerifiedAuditRecord } from '@platform/audit';
import { auditQuerySchema, parseOrThrow } from '@platform/contracts';
import { Access } from '@platform/tenancy';
import { RegistryDatabase } from '../registry/registry-database';
import { PathTenants } from './path-tenants';

/** The tenant's tamper-evident audit trail, oldest first, and whether its hash chain holds. */
@Controller('v1/tenants')
export class TenantAuditHttpController {
  constructor(
    private readonly db: RegistryDatabase,
    private readonly tenants: PathTenants,
  ) {}

  @Get(':id/audit')
  @Access({ scope: 'platform', role: 'platform-admin' })
  async list(
    @Param('id') id: string,
    @Query() query: unknown,
  ): Promise<{ records: VerifiedAuditRecord[]; verification: ChainVerification }> {
    const { after, limit } = parseOrThrow(auditQuerySchema, query, 'the query');
    const tenant = await this.tenants.find(id);
    const [records, verification] = await Promise.all([
      this.db.audit.list(tenant.id, { afterSequence: after, limit }),
      this.db.audit.verify(tenant.id),
    ]);
    return { records, verification };
  }
}
