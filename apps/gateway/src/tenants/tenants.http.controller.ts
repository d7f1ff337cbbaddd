import { All, Controller, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Access } from '@platform/tenancy';
import { Upstreams } from '../upstream/upstreams.provider';

/**
 * The control plane (`/v1/tenants…`), forwarded to the tenant registry with the caller's
 * credentials. The gateway only checks that they are valid; the registry, which owns these
 * routes, checks roles and which tenant they may administer.
 */
@Controller('v1/tenants')
@Access({ scope: 'authenticated' })
export class TenantsHttpController {
  constructor(private readonly upstreams: Upstreams) {}

  @All()
  async root(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.upstreams.registry.forward(request, reply, request.url);
  }

  @All('*')
  async nested(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.upstreams.registry.forward(request, reply, request.url);
  }
}
