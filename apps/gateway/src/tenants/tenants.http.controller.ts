import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Access } from '@platform/tenancy';
import { Upstreams } from '../upstream/upstreams.provider';

/** The control plane's public routes, forwarded to the tenant registry (which checks again). */
@Controller('v1/tenants')
export class TenantsHttpController {
  constructor(private readonly upstreams: Upstreams) {}

  @Post()
  @Access({ scope: 'platform', role: 'platform-admin' })
  async create(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.upstreams.registry.forward(request, reply, '/v1/tenants');
  }

  @Get(':id')
  @Access({ scope: 'platform', role: 'platform-admin' })
  async get(
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.upstreams.registry.forward(request, reply, `/v1/tenants/${encodeURIComponent(id)}`);
  }
}
