import Fastify, { type FastifyInstance } from 'fastify';
import { ProblemError } from '@platform/contracts';
import { metricsRegistry, type Logger } from '@platform/observability';
import type { Readiness } from '../health/readiness';
import { readinessAnswer } from '../health/readiness-answer';
import { toProblem } from './problem-response';
import { observeRequests } from './request-observers';

/** `MANAGEMENT_PORT` when unset: the service's own port plus this (gateway 8080 -> 8180). */
export const MANAGEMENT_PORT_OFFSET = 100;

/** The management port of a service listening on `servicePort` when `MANAGEMENT_PORT` is unset. */
export const defaultManagementPort = (servicePort: number): number => servicePort + MANAGEMENT_PORT_OFFSET;

/**
 * The management surface of a service, on a listener of its own (`MANAGEMENT_PORT`), apart from the
 * port API clients reach: `/metrics` (Prometheus text) and, for probes that look here, the same
 * `/health/live` and `/health/ready` as the service port. Nothing else: any other path is a 404
 * problem+json. With a `logger`, each request is access-logged. Not listening yet: call `listen` on the result (or `inject` in tests).
 *
 * @example
 * const management = buildManagementServer(app.get(Readiness, { strict: false }));
 * await management.listen({ port: 8180, host: '0.0.0.0' });
 * // on shutdown, after the service's own server
 * await management.close();
 */
export function buildManagementServer(readiness: Readiness, logger?: Logger): FastifyInstance {
  const server = Fastify({ logger: false, forceCloseConnections: true });
  // access-log lines (scrapes and probes at debug); no tenant traffic here
  if (logger) observeRequests(server, logger);
  server.get('/metrics', async (_request, reply) => {
    const text = await metricsRegistry.metrics();
    return reply.header('content-type', metricsRegistry.contentType).send(text);
  });
  server.get('/health/live', async () => ({ status: 'ok' }));
  server.get('/health/ready', async (_request, reply) => {
    const answer = await readinessAnswer(readiness);
    return reply.status(answer.status).headers(answer.headers).send(answer.body);
  });
  server.setNotFoundHandler((request, reply) => {
    const problem = toProblem(
      new ProblemError('notFound', 'the management port serves /metrics, /health/live and /health/ready'),
      request.url,
      request.id,
    );
    return reply
      .status(problem.status)
      .headers(problem.headers)
      .header('content-type', 'application/problem+json')
      .send(JSON.stringify(problem.body));
  });
  return server;
}
