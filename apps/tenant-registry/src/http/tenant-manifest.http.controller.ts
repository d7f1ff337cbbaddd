import { randomUUID } from 'node:crypto';
import { Body, Controller, Inject, Param, Put, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { SERVICE_CONFIG } from '@platform/service-kit';
import { Access, headerValue, type IdentifiedRequest } from '@platform/tenancy';
import { refusalError } from '@platform/command-handling';
import type { TenantRegistryConfig } from '../config';
import { applyManifest } from '../manifests/apply-manifest';
import { manifestText } from '../manifests/manifest-body';
import { TenantController } from '../reconcile/tenant-controller';
import { RegistryDatabase } from '../registry/registry-database';
import type { TenantRecord } from '../registry/tenant-record';
import { TenantCommands } from '../tenants/tenant-commands';
import { pathTenantRefusal } from './path-tenant';
import { callerOf } from './request-caller';
import { ifMatchOf } from './tenant-preconditions';

/** Declarative tenants: `PUT` the desired state (YAML or JSON); the same manifest twice changes nothing. */
@Controller('v1/tenants')
export class TenantManifestHttpController {
  constructor(
    private readonly db: RegistryDatabase,
    private readonly commands: TenantCommands,
    private readonly controller: TenantController,
    @Inject(SERVICE_CONFIG) private readonly config: TenantRegistryConfig,
  ) {}

  /**
   * 200 with the manifest version; 202 when the manifest created the tenant (a draft until
   * provisioned). `If-Match` names the tenant's version the manifest was written against (ADR 0011).
   */
  @Put(':slug/manifest')
  @Access({ scope: 'platform', role: 'platform-admin' })
  async apply(
    @Param('slug') slug: string,
    @Body() body: unknown,
    @Req() request: IdentifiedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ manifestVersion: number; tenant: TenantRecord }> {
    const malformed = pathTenantRefusal(slug);
    if (malformed) throw refusalError(malformed);
    const ifMatch = ifMatchOf(request);
    const contentType = headerValue(request, 'content-type');
    const text = manifestText(body, contentType);
    if (!text.ok) throw refusalError(text.refusal);
    const outcome = await applyManifest(
      {
        db: this.db,
        commands: this.commands,
        allowedRegions: this.config.ALLOWED_REGIONS,
        newId: randomUUID,
      },
      slug,
      text.text,
      contentType,
      callerOf(request),
      ifMatch,
    );
    if (!outcome.ok) throw refusalError(outcome.refusal);
    this.controller.kick();
    if (outcome.created) void reply.status(202).header('location', `/v1/tenants/${outcome.tenant.id}`);
    return { manifestVersion: outcome.tenant.manifestVersion, tenant: outcome.tenant };
  }
}
