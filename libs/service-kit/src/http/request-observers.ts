import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { histogram, counter, tenantLabel, type Logger } from '@platform/observability';
import type { IdentifiedRequest } from '@platform/tenancy';

const requestSeconds = histogram('http_server_request_duration_seconds', 'HTTP request duration', [
  'method',
  'route',
  'status',
]);

/** Tenant traffic at the public edge: reads are queries, every other method a command. */
const edge = {
  commands: counter(
    'gateway_commands_total',
    'Commands (POST, PUT, PATCH, DELETE) answered, by tenant and outcome',
    ['tenant', 'route', 'outcome'],
  ),
  commandSeconds: histogram(
    'gateway_command_duration_seconds',
    'Time to answer a command at the gateway, by tenant and outcome',
    ['tenant', 'outcome'],
  ),
  queries: counter('gateway_queries_total', 'Queries (GET, HEAD) answered, by tenant and outcome', [
    'tenant',
    'route',
    'outcome',
  ]),
  querySeconds: histogram(
    'gateway_query_duration_seconds',
    'Time to answer a query at the gateway, by tenant and outcome',
    ['tenant', 'outcome'],
  ),
};

/** The outcome label of an HTTP status: `ok`, `rejected` (4xx), `limited` (429), `error` (5xx). */
export function outcomeOf(status: number): 'ok' | 'rejected' | 'limited' | 'error' {
  if (status >= 500) return 'error';
  if (status === 429) return 'limited';
  if (status >= 400) return 'rejected';
  return 'ok';
}

/** A request's failure, kept by the problem filter for the access log (see {@link sendProblem}). */
export interface FailedRequest {
  failure?: unknown;
}

/** Routes that are polled (probes, scrapes): their lines are at debug, not info. */
const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

export interface RequestObserverOptions {
  /**
   * The public edge (the gateway): tenant traffic is counted as commands and queries with a
   * `tenant` label. Internal services behind it would count the same requests twice.
   */
  readonly edge?: boolean;
}

/**
 * Observes every answered request: the `http_server_request_duration_seconds` histogram, at the
 * edge the per-tenant command and query metrics, and one access-log line (JSON, pino): `method`,
 * `route`, `url`, `status`, `ms`, `tenantId`, `traceId`, `requestId`. A 5xx line is at error level
 * with the error that caused it (`err`); probes and scrapes are at debug; everything else at info.
 *
 * @example
 * observeRequests(app.getHttpAdapter().getInstance(), logger, { edge: true });
 */
export function observeRequests(
  fastify: FastifyInstance,
  logger: Logger,
  options: RequestObserverOptions = {},
): void {
  fastify.decorateRequest('failure', undefined);
  fastify.addHook('onResponse', (request, reply, done) => {
    observe(request, reply, logger, options.edge === true);
    done();
  });
}

function observe(request: FastifyRequest, reply: FastifyReply, logger: Logger, atEdge: boolean): void {
  const route = request.routeOptions.url ?? 'unmatched';
  const status = reply.statusCode;
  const seconds = reply.elapsedTime / 1_000;
  requestSeconds.observe({ method: request.method, route, status: String(status) }, seconds);
  const tenantId = (request as unknown as IdentifiedRequest).identity?.tenant?.tenantId;
  if (atEdge && tenantId !== undefined) {
    const outcome = outcomeOf(status);
    const tenant = tenantLabel(tenantId);
    if (request.method === 'GET' || request.method === 'HEAD') {
      edge.queries.inc({ tenant, route, outcome });
      edge.querySeconds.observe({ tenant, outcome }, seconds);
    } else {
      edge.commands.inc({ tenant, route, outcome });
      edge.commandSeconds.observe({ tenant, outcome }, seconds);
    }
  }
  const level = status >= 500 ? 'error' : QUIET_ROUTES.has(route) ? 'debug' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  const traceId = reply.getHeader('x-trace-id');
  logger[level](
    {
      method: request.method,
      route,
      url: request.url,
      status,
      ms: Math.round(reply.elapsedTime * 100) / 100,
      ...(tenantId !== undefined && { tenantId }),
      traceId: typeof traceId === 'string' ? traceId : request.id,
      requestId: request.id,
      ...(status >= 500 && { err: (request as FailedRequest).failure }),
    },
    'request',
  );
}
