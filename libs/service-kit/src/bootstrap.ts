import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ProblemError } from '@platform/contracts';
import {
  createLogger,
  currentTraceId,
  setHttpRoute,
  setHttpTenant,
  startDefaultMetrics,
  stopTracing,
  type Logger,
} from '@platform/observability';
import type { IdentifiedRequest } from '@platform/tenancy';
import { ConfigError } from './config/config';
import { Readiness } from './health/readiness';
import { buildManagementServer } from './http/management-server';
import { hardenRequestParsing, hostileInputOptions } from './http/hostile-input';
import { ProblemFilter } from './http/problem.filter';
import { PinoNestLogger } from './http/pino-nest-logger';
import { observeRequests } from './http/request-observers';
import { installProcessSafetyNet } from './process-safety-net';
import { waitForDependencies, type StartupDependency } from './startup-dependencies';

export interface ServiceSetup {
  /** The root Nest module, built from validated configuration. */
  readonly module: unknown;
  readonly port: number;
  /** The listener of `/metrics` and the health probes, apart from `port` (see `MANAGEMENT_PORT`). */
  readonly managementPort: number;
  readonly host: string;
  readonly bodyLimit: number;
  /** Waited for (with backoff, logged) before the application is built. */
  readonly dependencies?: readonly StartupDependency[];
  /** The public edge (the gateway): counts tenant commands and queries (see `observeRequests`). */
  readonly edge?: boolean;
}

export interface ServiceDefinition {
  /** Service name: logs, metrics, `ce_source`. */
  readonly name: string;
  /** Validates configuration (throws ConfigError when invalid) and builds the root module. */
  readonly setup: (logger: Logger) => ServiceSetup;
}

export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

/**
 * Starts a service the same way everywhere: JSON logs, problem+json errors, `X-Trace-Id`, request
 * metrics and access logs, health endpoints, `/metrics` on a management port of its own, and a graceful stop on SIGTERM (consumers stop and
 * commit, HTTP drains, the producer flushes, spans are exported). Exits 1 with the list of bad
 * variables when the configuration is invalid. Waits for its dependencies (PostgreSQL here, Kafka
 * in `KafkaMessaging.connect`) rather than exiting when they are not up yet. Installs the
 * {@link installProcessSafetyNet process safety net}.
 */
export async function runService(definition: ServiceDefinition): Promise<NestFastifyApplication> {
  const logger = createLogger(definition.name);
  installProcessSafetyNet(logger);
  let setup: ServiceSetup;
  try {
    setup = definition.setup(logger);
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.fatal({ problems: error.problems }, error.message);
      process.stderr.write(`${definition.name}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  startDefaultMetrics(definition.name);
  await waitForDependencies(setup.dependencies ?? [], logger);

  const app = await createHttpApplication(setup.module, logger, setup);

  await app.listen(setup.port, setup.host);
  const management = buildManagementServer(app.get(Readiness, { strict: false }), logger);
  await management.listen({ port: setup.managementPort, host: setup.host });
  logger.info({ port: setup.port, managementPort: setup.managementPort }, `${definition.name} listening`);
  onShutdownSignal(async (signal) => {
    logger.info({ signal }, 'shutting down');
    // Nest's order: beforeApplicationShutdown (consumers stop and commit), HTTP drains,
    // onApplicationShutdown (reply listeners stop, producer flushes); then spans are exported.
    // The management port answers until the service has stopped.
    await app.close();
    await management.close();
    await stopTracing();
    logger.info('stopped');
  });
  return app;
}

/**
 * The Nest application on fastify as every service has it (not listening yet): problem+json
 * errors, JSON and YAML bodies only, `X-Trace-Id`, request metrics and the access log.
 */
export async function createHttpApplication(
  module: unknown,
  logger: Logger,
  options: { readonly bodyLimit?: number; readonly edge?: boolean } = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimit ?? 1_048_576,
    genReqId: () => randomUUID(),
    // the access log is ours (observeRequests): one line per request, no child logger per request
    logger: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ...hostileInputOptions(),
  });
  const app = await NestFactory.create<NestFastifyApplication>(module as never, adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
    // JSON only, parsed strictly (hardenRequestParsing); Nest's own parsers would accept forms too
    bodyParser: false,
  });
  app.useGlobalFilters(new ProblemFilter());

  const fastify = app.getHttpAdapter().getInstance();
  fastify.decorateRequest('identity', undefined);
  // JSON only (contract: anything else is 415); fastify would otherwise accept text/plain.
  fastify.removeContentTypeParser('text/plain');
  hardenRequestParsing(fastify);
  // YAML is accepted as text where a manifest is (contract section 3); JSON routes refuse it (415).
  fastify.addContentTypeParser(YAML_TYPES, { parseAs: 'buffer' }, (_request, body, done) =>
    isUtf8(body as Buffer)
      ? done(null, (body as Buffer).toString('utf8'))
      : done(new ProblemError('validation', 'the body is not valid UTF-8'), undefined),
  );
  fastify.addHook('onRequest', (request, reply, done) => {
    // always the trace id: a tracer propagates trace context even when no span is exported
    void reply.header('x-trace-id', currentTraceId() ?? request.id);
    setHttpRoute(request.routeOptions.url);
    done();
  });
  fastify.addHook('onSend', (request, _reply, payload, done) => {
    setHttpTenant((request as IdentifiedRequest).identity?.tenant?.tenantId);
    done(null, payload);
  });
  observeRequests(fastify, logger, { edge: options.edge === true });
  // Nest sends fastify's own errors (bad JSON, 413, 415) and unknown routes through ProblemFilter.
  return app;
}

function onShutdownSignal(shutdown: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), 25_000);
    force.unref();
    shutdown(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
