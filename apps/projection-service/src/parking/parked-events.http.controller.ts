import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { z } from 'zod';
import { parseOrThrow } from '@platform/contracts';
import type { ParkedAggregate, ParkedMessage } from '@platform/read-models';
import { Access, TenantDirectory, type IdentifiedRequest } from '@platform/tenancy';
import { operatorOf, tenantIdOf } from './operator';
import { ParkedAggregates, type ParkedOutcome } from './parked-aggregates';

const listQuery = z.strictObject({
  tenant: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

/**
 * Operator routes for the projection's parked aggregates (ADR 0021), `platform-admin` only: a
 * parked message holds a tenant's data, and no tenant role may see or replay one. Served on the
 * projection service's own port, not through the gateway; `tenantctl parked …` calls them.
 */
@Controller('v1/admin/parked')
@Access({ scope: 'platform', role: 'platform-admin' })
export class ParkedEventsHttpController {
  constructor(
    private readonly parked: ParkedAggregates,
    private readonly directory: TenantDirectory,
  ) {}

  @Get()
  async list(@Query() query: unknown): Promise<{ aggregates: ParkedAggregate[] }> {
    const { tenant, limit } = parseOrThrow(listQuery, query, 'the query');
    const tenantId = tenant === undefined ? undefined : tenantIdOf(this.directory, tenant);
    return { aggregates: await this.parked.list({ ...(tenantId !== undefined && { tenantId }), limit }) };
  }

  @Get(':tenant/:aggregateId')
  async show(
    @Param('tenant') tenant: string,
    @Param('aggregateId') aggregateId: string,
  ): Promise<{ messages: ParkedMessage[] }> {
    return { messages: await this.parked.show(tenantIdOf(this.directory, tenant), aggregateId) };
  }

  /** Applies the aggregate's parked messages in order; 200 either way, `status` tells. */
  @Post(':tenant/:aggregateId/replay')
  @HttpCode(200)
  async replay(
    @Param('tenant') tenant: string,
    @Param('aggregateId') aggregateId: string,
    @Req() request: IdentifiedRequest,
  ): Promise<ParkedOutcome> {
    return this.parked.replay(tenantIdOf(this.directory, tenant), aggregateId, operatorOf(request));
  }

  /** Drops the first parked message (the one that failed) and replays the rest. */
  @Post(':tenant/:aggregateId/skip')
  @HttpCode(200)
  async skip(
    @Param('tenant') tenant: string,
    @Param('aggregateId') aggregateId: string,
    @Req() request: IdentifiedRequest,
  ): Promise<ParkedOutcome> {
    return this.parked.skip(tenantIdOf(this.directory, tenant), aggregateId, operatorOf(request));
  }
}
