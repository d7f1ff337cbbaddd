import { Controller, Get, Header, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { metricsRegistry } from '@platform/observability';
import { Access } from '@platform/tenancy';
import { Readiness } from './readiness';

/** `/health/live`, `/health/ready` and `/metrics`: the same on every service. */
@Controller()
@Access({ scope: 'public' })
export class HealthController {
  constructor(private readonly readiness: Readiness) {}

  @Get('health/live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const { ready, checks } = await this.readiness.run();
    if (ready) {
      await reply.status(200).send({ status: 'ok', checks });
      return;
    }
    await reply
      .status(503)
      .header('content-type', 'application/problem+json')
      .header('retry-after', '5')
      .send({
        type: 'https://tenantflow.dev/problems/service-unavailable',
        title: 'A dependency is unavailable',
        status: 503,
        detail: 'not ready',
        instance: '/health/ready',
        checks,
      });
  }

  @Get('metrics')
  @Header('content-type', metricsRegistry.contentType)
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
