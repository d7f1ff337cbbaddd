import { All, Controller, Get, Post, Req, Res, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Access } from '@platform/tenancy';
import { Upstreams } from '../upstream/upstreams.provider';

/**
 * The control plane (`/v1/tenants…`), forwarded to the tenant registry with the caller's
 * credentials. The gateway only checks that they are valid; the registry, which owns these
 * routes, checks roles and which tenant they may administer.
 */
@Controller('v1/tenants')
@Access({ scope: 'authenticated' })
export class TenantsHttpController implements OnModuleInit {
  constructor(
    private readonly upstreams: Upstreams,
    private readonly adapter: HttpAdapterHost,
  ) {}

  /** Tenant archives (ADR 0034) reach the handlers as streams, whatever their size. */
  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.addContentTypeParser(['application/gzip', 'application/x-gzip'], (_request, payload, done) => {
      done(null, payload);
    });
  }

  /** A tenant archive, streamed from the registry. */
  @Get(':id/export')
  async export(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.upstreams.registry.stream(request, reply, request.url);
  }

  /** An archive to restore, streamed to the registry. */
  @Post('import')
  async import(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.upstreams.registry.stream(request, reply, request.url);
  }

  @All()
  async root(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.upstreams.registry.forward(request, reply, request.url);
  }

  @All('*')
  async nested(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.upstreams.registry.forward(request, reply, request.url);
  }
}
