import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Access } from '@platform/tenancy';
import { Readiness } from './readiness';
import { readinessAnswer } from './readiness-answer';

/**
 * `/health/live` and `/health/ready` on the service port, the same on every service. `/metrics` is
 * not here: it is served on the management port only (see `startManagementServer`).
 */
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
    const answer = await readinessAnswer(this.readiness);
    await reply.status(answer.status).headers(answer.headers).send(answer.body);
  }
}
