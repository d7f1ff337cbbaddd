import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { currentTraceId, type Logger } from '@platform/observability';
import { toProblem } from './problem-response';

/** Sends every error escaping a handler, guard or pipe as `application/problem+json`. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger?: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    sendProblem(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), error, this.logger);
  }
}

/**
 * Answers with the problem `error` maps to. A 500 is logged with the error (on `logger`, the
 * service's: fastify's own request logger is switched off), so that its traceId leads somewhere.
 */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
  logger?: Logger,
): void {
  const problem = toProblem(error, request.url, currentTraceId() ?? request.id);
  if (problem.status >= 500 && problem.status !== 503) {
    (logger ?? request.log).error(
      { err: error, method: request.method, url: request.url.slice(0, 200), traceId: problem.body.traceId },
      'request failed',
    );
  }
  void reply
    .status(problem.status)
    .headers(problem.headers)
    .header('content-type', 'application/problem+json')
    .send(JSON.stringify(problem.body));
}
