import { Readable } from 'node:stream';
import { All, Controller, Req, Res, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError } from '@platform/contracts';
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

  @All()
  async root(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.upstreams.registry.forward(request, reply, request.url);
  }

  @All('*')
  async nested(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const registry = this.upstreams.registry;
    if (!isArchiveTransfer(request) && request.body instanceof Readable) {
      throw new ProblemError('unsupportedMediaType', 'only a tenant import takes an archive body');
    }
    await (isArchiveTransfer(request)
      ? registry.stream(request, reply, request.url)
      : registry.forward(request, reply, request.url));
  }
}

/** `GET /v1/tenants/{id}/export` and `POST /v1/tenants/import`: archives of any size, streamed both ways. */
function isArchiveTransfer(request: FastifyRequest): boolean {
  const pathname = request.url.split('?', 1)[0] ?? '';
  return (
    (request.method === 'GET' && /^\/v1\/tenants\/[^/]+\/export$/.test(pathname)) ||
    (request.method === 'POST' && pathname === '/v1/tenants/import')
  );
}
