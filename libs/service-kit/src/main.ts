import type { z } from 'zod';
import { configureTenantLabels, type Logger } from '@platform/observability';
import type { TokenVerifierOptions } from '@platform/tenancy';
import { runService } from './bootstrap';
import { ConfigError, instanceIdOf, loadConfig } from './config/config';
import { defaultManagementPort } from './http/management-server';
import { postgresDependency } from './startup-dependencies';

interface BaseConfig {
  readonly PORT: number;
  readonly HOST: string;
  readonly BODY_LIMIT_BYTES: number;
  readonly MANAGEMENT_PORT?: number | undefined;
  readonly INSTANCE_ID?: string | undefined;
  readonly DATABASE_URL?: string;
  readonly METRICS_TENANT_LABELS_TOP: number;
  readonly METRICS_TENANT_LABELS: readonly string[];
}

export interface ServiceMainOptions<C> {
  /** The service's port from its configuration; default `PORT`. */
  readonly portOf?: (config: C) => number;
  /** The public edge (the gateway): counts tenant commands and queries. */
  readonly edge?: boolean;
}

/**
 * A service's whole `main`: validate its configuration, build its root module, run it. A service
 * whose configuration has `DATABASE_URL` waits for PostgreSQL first. A start that fails all the same
 * (a dependency lost in the middle of it, a bug) is logged and exits 1: a half-built service must
 * not linger without its HTTP port.
 *
 * @example
 * serviceMain('query-service', configSchema, (config, instanceId, logger) => AppModule.forRoot(config, instanceId, logger));
 */
export function serviceMain<S extends z.ZodObject>(
  name: string,
  schema: S,
  rootModule: (config: z.infer<S>, instanceId: string, logger: Logger) => unknown,
  options: ServiceMainOptions<z.infer<S>> = {},
): void {
  const portOf = options.portOf ?? ((config: z.infer<S>) => (config as BaseConfig).PORT);
  let log: Logger | undefined;
  runService({
    name,
    setup: (logger) => {
      log = logger;
      const config = loadConfig(schema, process.env);
      const base = config as BaseConfig;
      const port = portOf(config);
      configureTenantLabels({ top: base.METRICS_TENANT_LABELS_TOP, optIn: base.METRICS_TENANT_LABELS });
      return {
        module: rootModule(config, instanceIdOf(base.INSTANCE_ID), logger),
        port,
        managementPort: managementPortOf(port, base.MANAGEMENT_PORT),
        host: base.HOST,
        bodyLimit: base.BODY_LIMIT_BYTES,
        dependencies: base.DATABASE_URL === undefined ? [] : [postgresDependency(base.DATABASE_URL)],
        edge: options.edge === true,
      };
    },
  }).catch((error: unknown) => {
    log?.fatal(
      { err: error },
      `${name} could not start: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.stderr.write(`${name} could not start: ${String(error)}\n`);
    process.exit(1);
  });
}

/** The JWT verifier options of a service configuration that includes `jwtEnv` (and `jwtRules`). */
export function jwtOptionsOf(config: {
  readonly JWT_SECRET: string;
  readonly JWT_JWKS_URL?: string | undefined;
  readonly JWT_ISSUER?: string | undefined;
  readonly JWT_AUDIENCE?: string | undefined;
}): TokenVerifierOptions {
  if (config.JWT_JWKS_URL !== undefined) {
    if (config.JWT_ISSUER === undefined || config.JWT_AUDIENCE === undefined) {
      throw new ConfigError(['JWT_JWKS_URL needs JWT_ISSUER and JWT_AUDIENCE']);
    }
    return { jwksUrl: config.JWT_JWKS_URL, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE };
  }
  return {
    secret: config.JWT_SECRET,
    ...(config.JWT_ISSUER !== undefined && { issuer: config.JWT_ISSUER }),
    ...(config.JWT_AUDIENCE !== undefined && { audience: config.JWT_AUDIENCE }),
  };
}

/**
 * `MANAGEMENT_PORT`, or the service port + 100 when unset; never the service port itself (the
 * management surface must not be reachable where API clients are).
 */
export function managementPortOf(servicePort: number, configured: number | undefined): number {
  const managementPort = configured ?? defaultManagementPort(servicePort);
  if (managementPort > 65_535) {
    throw new ConfigError([
      `MANAGEMENT_PORT: not set, and the service port ${servicePort} + 100 is past 65535; set it`,
    ]);
  }
  if (managementPort === servicePort) {
    throw new ConfigError([`MANAGEMENT_PORT: must differ from the service port ${servicePort}`]);
  }
  return managementPort;
}
