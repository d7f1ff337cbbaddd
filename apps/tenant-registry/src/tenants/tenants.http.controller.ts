import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  parseOrThrow,
  ProblemError,
  SLUG_PATTERN,
  TENANT_ISOLATIONS,
  TENANT_PLANS,
} from '@platform/contracts';
import { SERVICE_CONFIG } from '@platform/service-kit';
import { Access, correlationIdOf, type IdentifiedRequest } from '@platform/tenancy';
import type { TenantRegistryConfig } from '../config';
import { TenantLifecycle } from './tenant-lifecycle';
import { SlugTakenError, TenantRecords, type TenantRecord } from './tenant-records';

const createTenantBody = z.strictObject({
  slug: z.string().regex(SLUG_PATTERN, 'lower-case letters, digits and "-", 3 to 63, starting with a letter'),
  name: z.string().min(1).max(200),
  plan: z.enum(TENANT_PLANS).default('free'),
  isolation: z.enum(TENANT_ISOLATIONS).default('schema'),
  region: z.string().min(1).max(64).optional(),
});

/** The control plane's tenant routes (platform-admin only). */
@Controller('v1/tenants')
export class TenantsHttpController {
  constructor(
    private readonly lifecycle: TenantLifecycle,
    private readonly records: TenantRecords,
    @Inject(SERVICE_CONFIG) private readonly config: TenantRegistryConfig,
  ) {}

  @Post()
  @HttpCode(202)
  @Access({ scope: 'platform', role: 'platform-admin' })
  async create(
    @Body() body: unknown,
    @Req() request: IdentifiedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TenantView> {
    const input = parseOrThrow(createTenantBody, body, 'the tenant');
    const [defaultRegion = 'eu-west-1'] = this.config.ALLOWED_REGIONS;
    const region = input.region ?? defaultRegion;
    if (!this.config.ALLOWED_REGIONS.includes(region)) {
      throw new ProblemError('validation', `region ${region} is outside the placement policy`, [
        { path: '/region', message: `must be one of ${this.config.ALLOWED_REGIONS.join(', ')}` },
      ]);
    }
    const claims = request.identity?.claims;
    if (!claims) throw new ProblemError('unauthorized', 'no caller');
    try {
      const record = await this.lifecycle.create(
        { slug: input.slug, name: input.name, plan: input.plan, isolation: input.isolation, region },
        {
          actor: claims.sub,
          roles: claims.roles,
          correlationId: correlationIdOf(request),
          causationId: request.id,
        },
      );
      void reply.header('location', `/v1/tenants/${record.tenantId}`);
      return view(record);
    } catch (error) {
      if (error instanceof SlugTakenError)
        throw new ProblemError('conflict', `the slug ${input.slug} is taken`);
      throw error;
    }
  }

  @Get(':id')
  @Access({ scope: 'platform', role: 'platform-admin' })
  async get(@Param('id') id: string): Promise<TenantView> {
    const record = await this.records.find(id);
    if (!record) throw new ProblemError('notFound', `tenant ${id} not found`);
    return view(record);
  }
}

type TenantView = Omit<TenantRecord, 'tenantId'> & { id: string };

function view(record: TenantRecord): TenantView {
  const { tenantId, ...rest } = record;
  return { id: tenantId, ...rest };
}
