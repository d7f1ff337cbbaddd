import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { currentTraceId } from '@platform/observability';
import { toProblem } from './problem-response';
import type { FailedRequest } from './request-observers';

/** Sends every error escaping a handler, guard or pipe as `application/problem+json`. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    sendProblem(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), error);
  }
}

/**
 * Answers with the problem `error` maps to. A 5xx is logged with its error by the access log
 * (`observeRequests`), so that its traceId leads somewhere.
 */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: unknown): void {
  const problem = toProblem(error, request.url, currentTraceId() ?? request.id);
  // the access log writes a 5xx with its error (request-observers.ts)
  if (problem.status >= 500) (request as FailedRequest).failure = error;
  void reply
    .status(problem.status)
    .headers(problem.headers)
    .header('content-type', 'application/problem+json')
    .send(JSON.stringify(problem.body));
}
