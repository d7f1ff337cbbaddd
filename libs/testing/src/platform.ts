import { createSigner } from 'fast-jwt';
import { testInfra, uniqueSuffix } from './infra';
import { startService, waitReady, type RunningService } from './service-process';

// The whole platform as child processes (built services in dist/), for the end-to-end specs and
// the benchmarks: the registry first, then the other services, then the gateways.

/** The whole platform as child processes on the local Kafka and PostgreSQL, on ports from `base`. */
export interface Platform {
  readonly gateways: readonly RunningService[];
  readonly commandServices: readonly RunningService[];
  readonly services: readonly RunningService[];
  readonly env: Readonly<Record<string, string>>;
  /**
   * The one port on 127.0.0.1 where the registry may deliver webhooks over http (`base` + 50, in its
   * `WEBHOOK_ALLOWED_HOSTS`): a spec's webhook receiver listens here. Every other loopback or
   * private address is refused, as in production.
   */
  readonly webhookReceiverPort: number;
  readonly sign: (claims: { sub: string; roles: string[]; tenants?: string[] }) => string;
  /** `sign` with positional arguments: roles, tenants, subject. */
  readonly token: (roles: string[], tenants?: string[], sub?: string) => string;
  stop(): Promise<(readonly [string, number | null])[]>;
}

export interface PlatformOptions {
  readonly gateways?: number;
  readonly commandServices?: number;
  /** Added to every service's environment, over the defaults (e.g. `RECONCILE_INTERVAL_MS`). */
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** Prefix of the services' instance names and log files; default `e2e<base>`. */
  readonly name?: string;
}

/** Ports fetch (undici) refuses to connect to (the Fetch standard's "bad ports") above 1024. */
const FETCH_BAD_PORTS = [
  1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697,
  10080,
];

/** The first port Linux uses for outgoing connections (`net.ipv4.ip_local_port_range`). */
const EPHEMERAL_PORTS_START = 32_768;

export async function startPlatform(base: number, options: PlatformOptions = {}): Promise<Platform> {
  // Linux hands out 32768-60999 as the local ports of outgoing connections: a service listening
  // there fails now and then with EADDRINUSE (it did, in the hostile-input e2e).
  if (base < 1024 || base + 200 > EPHEMERAL_PORTS_START)
    throw new RangeError(
      `startPlatform(${base}): keep the platform's ports within 1024-${EPHEMERAL_PORTS_START - 200}`,
    );
  // the probes and clients use fetch, which refuses these ports outright ("fetch failed")
  const bad = FETCH_BAD_PORTS.find((port) => port >= base && port <= base + 200);
  if (bad !== undefined)
    throw new RangeError(`startPlatform(${base}): fetch refuses port ${bad}; pick another base`);
  const secret = `e2e-secret-${uniqueSuffix()}-0123456789abcdefghij`;
  const signer = createSigner({ key: secret, algorithm: 'HS256', expiresIn: 600_000 });
  const webhookReceiverPort = base + 50;
  const env = {
    KAFKA_BROKERS: testInfra.kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: `e2e-${uniqueSuffix()}.`,
    DATABASE_URL: testInfra.databaseUrl,
    JWT_SECRET: secret,
    INTERNAL_CONTEXT_SECRET: `e2e-internal-${uniqueSuffix()}-0123456789abcdefghij`,
    QUERY_SERVICE_URL: `http://127.0.0.1:${base + 3}`,
    TENANT_REGISTRY_URL: `http://127.0.0.1:${base + 5}`,
    WEBHOOK_ALLOWED_HOSTS: `127.0.0.1:${webhookReceiverPort}`,
    // spans are not exported unless a spec asks (`extraEnv`); trace context is propagated anyway
    OTEL_TRACES_EXPORTER: 'none',
    LOG_LEVEL: 'info',
    ...options.extraEnv,
  };
  const tag = options.name ?? `e2e${base}`;
  const services: RunningService[] = [];
  // a service that does not come up leaves none of the others running behind the failed start
  const stopAllOnFailure = async <T>(work: Promise<T>): Promise<T> => {
    try {
      return await work;
    } catch (error) {
      await Promise.all(services.map((service) => service.stop()));
      throw error;
    }
  };
  const registry = startService('tenant-registry', `${tag}-tenant-registry`, base + 5, env);
  services.push(registry);
  await stopAllOnFailure(waitReady(registry));
  const commandServices = Array.from({ length: options.commandServices ?? 1 }, (_, i) =>
    startService('command-service', `${tag}-command-${i + 1}`, base + 1 + 10 * i, env),
  );
  const rest = [
    ...commandServices,
    startService('projection-service', `${tag}-projection`, base + 2, env),
    startService('query-service', `${tag}-query`, base + 3, env),
    startService('saga-service', `${tag}-saga`, base + 4, env),
  ];
  services.push(...rest);
  await stopAllOnFailure(Promise.all(rest.map((s) => waitReady(s))));
  const gateways = Array.from({ length: options.gateways ?? 1 }, (_, i) =>
    startService('gateway', `${tag}-gateway-${i + 1}`, base + 10 * i, env),
  );
  services.push(...gateways);
  await stopAllOnFailure(Promise.all(gateways.map((g) => waitReady(g))));
  const sign = (claims: { sub: string; roles: string[]; tenants?: string[] }): string =>
    signer({ tenants: [], ...claims });
  return {
    gateways,
    commandServices,
    services,
    env,
    webhookReceiverPort,
    sign,
    token: (roles, tenants = [], sub = 'e2e-user') => sign({ sub, roles, tenants }),
    stop: () => Promise.all(services.map(async (s) => [s.name, await s.stop()] as const)),
  };
}
