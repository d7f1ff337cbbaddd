import { randomUUID } from 'node:crypto';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  changePlanBodySchema,
  createTenantBodySchema,
  listTenantsQuerySchema,
  parseOrThrow,
} from '@platform/contracts';
import { SERVICE_CONFIG } from '@platform/service-kit';
import { placeTenant } from '@platform/tenants-domain';
import { Access, type IdentifiedRequest } from '@platform/tenancy';
import { refusalError } from '@platform/command-handling';
import type { TenantRegistryConfig } from '../config';
import { TenantController } from '../reconcile/tenant-controller';
import { decodeCursor, encodeCursor } from '../registry/page-cursor';
import { RegistryDatabase } from '../registry/registry-database';
import type { TenantRecord } from '../registry/tenant-record';
import { TenantCommands } from '../tenants/tenant-commands';
import { requestTenantDeletion } from '../tenants/tenant-deletion';
import { PathTenants } from './path-tenants';
import { callerOf } from './request-caller';
import { ifMatchOf, withETag } from './tenant-preconditions';

/**
 * The tenant resource (platform admins): create, read, list, change the plan, delete. A tenant
 * answers with `ETag: "<version>"`; changes take `If-Match` (412 on another version, ADR 0011).
 */
@Controller('v1/tenants')
export class TenantsHttpController {
  constructor(
    private readonly db: RegistryDatabase,
    private readonly commands: TenantCommands,
    private readonly tenants: PathTenants,
    private readonly controller: TenantController,
    @Inject(SERVICE_CONFIG) private readonly config: TenantRegistryConfig,
  ) {}

  /** 202: the tenant is a draft until the controller has provisioned it. */
  @Post()
  @HttpCode(202)
  @Access({ scope: 'platform', role: 'platform-admin' })
  async create(
    @Body() body: unknown,
    @Req() request: IdentifiedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TenantRecord> {
    const input = parseOrThrow(createTenantBodySchema, body, 'the tenant');
    const placement = placeTenant({
      ...(input.region !== undefined && { requestedRegion: input.region }),
      allowedRegions: this.config.ALLOWED_REGIONS,
      plan: input.plan,
    });
    if (!placement.ok) throw refusalError(placement.rejection);
    const tenantId = randomUUID();
    const change = await this.commands.execute(
      {
        type: 'CreateTenant',
        data: {
          tenantId,
          slug: input.slug,
          name: input.name,
          plan: input.plan,
          isolation: input.isolation,
          region: placement.region,
        },
      },
      callerOf(request),
      { auditRefusal: true },
    );
    if (!change.ok) throw refusalError(change.refusal);
    this.controller.kick();
    void reply.header('location', `/v1/tenants/${tenantId}`);
    return withETag(reply, change.tenant);
  }

  /** Newest first; `nextCursor` fetches the next page. */
  @Get()
  @Access({ scope: 'platform', role: 'platform-admin' })
  async list(@Query() query: unknown): Promise<{ items: TenantRecord[]; nextCursor: string | null }> {
    const { status, cursor, limit } = parseOrThrow(listTenantsQuerySchema, query, 'the query');
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && after === undefined) {
      throw refusalError({
        kind: 'validation',
        code: 'bad-cursor',
        detail: 'the cursor is not one this API gave out',
        errors: [{ path: '/cursor', message: 'invalid cursor' }],
      });
    }
    const page = await this.db.tenants.page({ ...(status && { status }), ...(after && { after }), limit });
    return { items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null };
  }

  @Get(':id')
  @Access({ scope: 'platform', role: 'platform-admin' })
  async get(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<TenantRecord> {
    return withETag(reply, await this.tenants.find(id));
  }

  /** `{plan}`: quotas and rate limits follow. The same plan changes nothing. */
  @Patch(':id')
  @Access({ scope: 'platform', role: 'platform-admin' })
  async changePlan(
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: IdentifiedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TenantRecord> {
    const ifMatch = ifMatchOf(request);
    const { plan } = parseOrThrow(changePlanBodySchema, body, 'the change');
    const tenant = await this.tenants.find(id);
    const change = await this.commands.execute(
      { type: 'ChangePlan', data: { tenantId: tenant.id, plan } },
      callerOf(request),
      { auditRefusal: true, ...(ifMatch && { ifMatch }) },
    );
    if (!change.ok) throw refusalError(change.refusal);
    return withETag(reply, change.tenant);
  }

  /** Only an archived tenant (else 409). 202: the controller purges its data, then records the deletion. */
  @Delete(':id')
  @HttpCode(202)
  @Access({ scope: 'platform', role: 'platform-admin' })
  async delete(@Param('id') id: string, @Req() request: IdentifiedRequest): Promise<TenantRecord> {
    const ifMatch = ifMatchOf(request);
    const tenant = await this.tenants.find(id);
    const requested = await requestTenantDeletion(
      this.db,
      tenant.id,
      callerOf(request),
      ifMatch ? { ifMatch } : {},
    );
    if (!requested.ok) throw refusalError(requested.refusal);
    this.controller.kick();
    return requested.tenant;
  }
}
