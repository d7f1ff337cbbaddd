import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { z } from 'zod';
import { parseOrThrow } from '@platform/contracts';
import { Access, TenantDirectory, type IdentifiedRequest } from '@platform/tenancy';
import { operatorOf, tenantIdOf } from '../parking/operator';
import type { RebuildJob } from './rebuild-jobs';
import { RebuildJobs } from './rebuild-jobs';

const startBody = z.strictObject({ tenant: z.string().min(1).optional() }).default({});

/**
 * Operator routes of projection rebuilds (ADR 0033), `platform-admin` only, on the projection
 * service's own port like the parked routes (ADR 0021); `tenantctl projections rebuild` calls them.
 */
@Controller('v1/admin')
@Access({ scope: 'platform', role: 'platform-admin' })
export class RebuildsHttpController {
  constructor(
    private readonly jobs: RebuildJobs,
    private readonly directory: TenantDirectory,
  ) {}

  /** Starts a rebuild of one tenant's model (`{ "tenant": id or slug }`) or of every tenant's (`{}`). */
  @Post('projections/:projection/rebuilds')
  @HttpCode(202)
  async start(
    @Param('projection') projection: string,
    @Body() body: unknown,
    @Req() request: IdentifiedRequest,
  ): Promise<RebuildJob> {
    const { tenant } = parseOrThrow(startBody, body ?? {}, 'the body');
    const tenantId = tenant === undefined ? undefined : tenantIdOf(this.directory, tenant);
    return this.jobs.start(projection, tenantId, operatorOf(request));
  }

  @Get('rebuilds')
  list(): { rebuilds: RebuildJob[] } {
    return { rebuilds: this.jobs.list() };
  }

  @Get('rebuilds/:id')
  get(@Param('id') id: string): RebuildJob {
    return this.jobs.get(id);
  }
}
