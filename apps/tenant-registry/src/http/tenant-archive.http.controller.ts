import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { refusalError } from '@platform/command-handling';
import { importTenantQuerySchema, parseOrThrow, ProblemError, type TenantPlan } from '@platform/contracts';
import { SERVICE_CONFIG } from '@platform/service-kit';
import { Access, type IdentifiedRequest } from '@platform/tenancy';
import { placeTenant } from '@platform/tenants-domain';
import type { TenantRegistryConfig } from '../config';
import { RegistryDatabase } from '../registry/registry-database';
import { ArchiveRefusedError } from '../tenant-export/archive-reader';
import { exportTenant } from '../tenant-export/export-tenant';
import { importTenant, type ImportedTenant } from '../tenant-export/import-tenant';
import { TenantImports } from '../tenant-export/tenant-imports';
import { PathTenants } from './path-tenants';
import { callerOf } from './request-caller';

/** The media type of a tenant archive (gzip'd NDJSON, ADR 0034). */
export const ARCHIVE_MEDIA_TYPE = 'application/gzip';

/**
 * Tenant export and import (platform-admin): `GET /v1/tenants/{id}/export` streams the archive,
 * `POST /v1/tenants/import?slug=` restores one (the body is the archive) into a new tenant.
 */
@Controller('v1/tenants')
export class TenantArchiveHttpController {
  constructor(
    private readonly db: RegistryDatabase,
    private readonly tenants: PathTenants,
    private readonly imports: TenantImports,
    @Inject(SERVICE_CONFIG) private readonly config: TenantRegistryConfig,
  ) {}

  @Get(':id/export')
  @Access({ scope: 'platform', role: 'platform-admin' })
  async export(
    @Param('id') id: string,
    @Req() request: IdentifiedRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const tenant = await this.tenants.find(id);
    const archive = await exportTenant(this.db, tenant, callerOf(request), new Date());
    await reply
      .header('content-type', ARCHIVE_MEDIA_TYPE)
      .header('content-disposition', `attachment; filename="${tenant.slug}.tenant.ndjson.gz"`)
      .send(archive);
  }

  @Post('import')
  @Access({ scope: 'platform', role: 'platform-admin' })
  async import(
    @Query() query: unknown,
    @Req() request: IdentifiedRequest & { body?: unknown; headers: Record<string, unknown> },
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImportedTenant> {
    const input = parseOrThrow(importTenantQuerySchema, query, 'the query');
    if (!(request.body instanceof Readable)) {
      throw new ProblemError(
        'unsupportedMediaType',
        `the body must be a tenant archive (${ARCHIVE_MEDIA_TYPE})`,
      );
    }
    const directory = await mkdtemp(path.join(tmpdir(), 'tenant-import-'));
    try {
      const file = path.join(directory, 'archive.ndjson.gz');
      await pipeline(request.body, createWriteStream(file));
      const result = await importTenant(
        this.imports.deps,
        { file, slug: input.slug, ...(input.name !== undefined && { name: input.name }) },
        callerOf(request),
        (archived) => {
          const placement = placeTenant({
            requestedRegion: archived.region,
            allowedRegions: this.config.ALLOWED_REGIONS,
            plan: archived.plan as TenantPlan,
          });
          if (!placement.ok) throw refusalError(placement.rejection);
          return placement.region;
        },
      ).catch((error: unknown) => {
        if (error instanceof ArchiveRefusedError) {
          throw new ProblemError('validation', error.message, [
            { path: `/archive${error.path}`, message: error.reason },
          ]);
        }
        throw error;
      });
      if (!result.ok) throw refusalError(result.refusal);
      void reply.status(201).header('location', `/v1/tenants/${result.imported.tenant.id}`);
      return result.imported;
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }
}
