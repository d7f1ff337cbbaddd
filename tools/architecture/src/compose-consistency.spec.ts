// docker-compose.yml, .env.example and deploy/docker/Dockerfile against the services' own
// configuration: each service's zod `configSchema` is the only source of truth for the variables
// it reads. Every failure names the service and the variable.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { defaultManagementPort } from '@platform/service-kit';
// The schemas are imported from the apps themselves (not copied) so that this test follows them.
// eslint-disable-next-line @nx/enforce-module-boundaries -- reads the gateway's configSchema, nothing else
import { configSchema as gatewayConfig } from '../../../apps/gateway/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries -- reads the command-service's configSchema, nothing else
import { configSchema as commandServiceConfig } from '../../../apps/command-service/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries -- reads the projection-service's configSchema, nothing else
import { configSchema as projectionServiceConfig } from '../../../apps/projection-service/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries -- reads the query-service's configSchema, nothing else
import { configSchema as queryServiceConfig } from '../../../apps/query-service/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries -- reads the saga-service's configSchema, nothing else
import { configSchema as sagaServiceConfig } from '../../../apps/saga-service/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries -- reads the tenant-registry's configSchema, nothing else
import { configSchema as tenantRegistryConfig } from '../../../apps/tenant-registry/src/config';

const root = path.resolve(__dirname, '../../..');
const DOCKERFILE = 'deploy/docker/Dockerfile';

interface Service {
  readonly name: string;
  readonly schema: z.ZodObject;
}

const services: readonly Service[] = [
  { name: 'gateway', schema: gatewayConfig },
  { name: 'command-service', schema: commandServiceConfig },
  { name: 'projection-service', schema: projectionServiceConfig },
  { name: 'query-service', schema: queryServiceConfig },
  { name: 'saga-service', schema: sagaServiceConfig },
  { name: 'tenant-registry', schema: tenantRegistryConfig },
];

/** Read by libs/observability and the OpenTelemetry SDK (or Node itself), not by the schemas. */
const isObservabilityVariable = (name: string): boolean =>
  name.startsWith('OTEL_') || name === 'LOG_LEVEL' || name === 'NODE_ENV';

// --- docker-compose.yml ----------------------------------------------------------------------

interface ComposeService {
  readonly build?: { readonly context?: string; readonly dockerfile?: string; readonly args?: unknown };
  readonly environment?: unknown;
  readonly ports?: readonly unknown[];
}

function readCompose(): Record<string, ComposeService> {
  const document: unknown = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'));
  if (typeof document !== 'object' || document === null || !('services' in document)) {
    throw new Error('docker-compose.yml: no `services`');
  }
  return document.services as Record<string, ComposeService>;
}

/** `environment` (or `build.args`) in either compose form: a map, or a list of `KEY=value`. */
function keyValues(section: unknown): Map<string, string | undefined> {
  const entries = new Map<string, string | undefined>();
  if (Array.isArray(section)) {
    for (const item of section as unknown[]) {
      const [key = '', ...value] = String(item).split('=');
      entries.set(key, value.length > 0 ? value.join('=') : undefined);
    }
  } else if (typeof section === 'object' && section !== null) {
    for (const [key, value] of Object.entries(section)) {
      entries.set(key, value === null || value === undefined ? undefined : String(value));
    }
  }
  return entries;
}

/** Compose interpolation with an empty shell environment: `${X:-default}` becomes `default`. */
function interpolate(value: string): string {
  return value
    .replace(/\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-?]([^}]*))?\}/g, (_match, fallback?: string) => fallback ?? '')
    .replace(/\$\$/g, '$');
}

/** `[ip:][published:]target[/protocol]` or `{ target, published, host_ip }` -> ports and host address. */
function portMapping(entry: unknown): {
  published: number | undefined;
  target: number;
  hostIp: string | undefined;
} {
  if (typeof entry === 'object' && entry !== null) {
    const { target, published, host_ip } = entry as {
      target?: unknown;
      published?: unknown;
      host_ip?: string;
    };
    return {
      target: Number(target),
      published: published === undefined ? undefined : Number(published),
      hostIp: host_ip,
    };
  }
  const parts = String(entry).split('/')[0]!.split(':');
  const target = Number(parts.at(-1));
  return {
    target,
    published: parts.length > 1 ? Number(parts.at(-2)) : undefined,
    hostIp: parts.length > 2 ? parts.slice(0, -2).join(':') : undefined,
  };
}

function schemaKeys(schema: z.ZodObject): string[] {
  return Object.keys(schema.shape);
}

/** The variables without a default: those `safeParse({})` complains about. */
function requiredKeys(schema: z.ZodObject): string[] {
  const result = schema.safeParse({});
  return result.success ? [] : [...new Set(result.error.issues.map((issue) => String(issue.path[0])))];
}

function defaultPort(service: Service): number {
  const port = service.schema.shape.PORT as z.ZodType | undefined;
  const parsed = port?.safeParse(undefined);
  if (!parsed?.success || typeof parsed.data !== 'number') {
    throw new Error(`${service.name}: its configSchema has no PORT with a default`);
  }
  return parsed.data;
}

function describeIssues(service: string, issues: readonly z.core.$ZodIssue[], source: string): string[] {
  return issues.map(
    (issue) => `${service}: ${issue.path.map(String).join('.')} in ${source} is refused: ${issue.message}`,
  );
}

// --- .env.example ----------------------------------------------------------------------------

interface EnvExample {
  /** Every `KEY=` line, commented out (`# KEY=`) or not. */
  readonly mentioned: ReadonlySet<string>;
  /** The values of the lines that are not commented out. */
  readonly values: Readonly<Record<string, string>>;
}

function readEnvExample(): EnvExample {
  const mentioned = new Set<string>();
  const values: Record<string, string> = {};
  for (const line of readFileSync(path.join(root, '.env.example'), 'utf8').split('\n')) {
    const match = /^\s*(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) continue;
    const [, commented, key = '', raw = ''] = match;
    mentioned.add(key);
    if (!commented) values[key] = raw.trim().replace(/^(["'])(.*)\1$/, '$2');
  }
  return { mentioned, values };
}

// --- tests -----------------------------------------------------------------------------------

const compose = readCompose();
const envExample = readEnvExample();

describe('docker-compose.yml against each service configSchema', () => {
  describe.each(services)('$name', (service) => {
    const entry = compose[service.name];
    const environment = keyValues(entry?.environment);
    const keys = new Set(schemaKeys(service.schema));

    it('is in docker-compose.yml', () => {
      expect(entry).toBeDefined();
    });

    it('sets only variables its configSchema reads (or OpenTelemetry, LOG_LEVEL, NODE_ENV)', () => {
      const problems = [...environment.keys()]
        .filter((name) => !keys.has(name) && !isObservabilityVariable(name))
        .map(
          (name) =>
            `${service.name}: ${name} is set in docker-compose.yml but its configSchema does not read it`,
        );
      expect(problems).toEqual([]);
    });

    it('sets every variable of its configSchema that has no default', () => {
      const problems = requiredKeys(service.schema)
        .filter((name) => environment.get(name) === undefined)
        .map(
          (name) =>
            `${service.name}: ${name} has no default in its configSchema and is not set in docker-compose.yml`,
        );
      expect(problems).toEqual([]);
    });

    it('sets values its configSchema accepts', () => {
      const resolved = Object.fromEntries(
        [...environment].map(([name, value]) => [name, value === undefined ? undefined : interpolate(value)]),
      );
      const result = service.schema.safeParse(resolved);
      expect(
        result.success ? [] : describeIssues(service.name, result.error.issues, 'docker-compose.yml'),
      ).toEqual([]);
    });

    it("publishes its configSchema's default PORT, mapped to the port it listens on", () => {
      const port = defaultPort(service);
      const env = (name: string): number | undefined => {
        const value = keys.has(name) ? environment.get(name) : undefined;
        return value === undefined ? undefined : Number(interpolate(value));
      };
      // As in main.ts: the gateway's GATEWAY_PORT wins over PORT.
      const listens = env('GATEWAY_PORT') ?? env('PORT') ?? port;
      const mappings = (entry?.ports ?? []).map(portMapping);
      const problems: string[] = [];
      if (!mappings.some((mapping) => mapping.published === port && mapping.target === listens)) {
        problems.push(
          `${service.name}: PORT defaults to ${port} in its configSchema but docker-compose.yml publishes ` +
            `${JSON.stringify(entry?.ports ?? [])}; expected "${port}:${listens}"`,
        );
      }
      expect(problems).toEqual([]);
    });

    it('publishes its management port (/metrics) on the host loopback only, never in place of PORT', () => {
      const env = (name: string): number | undefined => {
        const value = keys.has(name) ? environment.get(name) : undefined;
        return value === undefined ? undefined : Number(interpolate(value));
      };
      const listens = env('GATEWAY_PORT') ?? env('PORT') ?? defaultPort(service);
      const management = env('MANAGEMENT_PORT') ?? defaultManagementPort(listens);
      const exposed = (entry?.ports ?? [])
        .map(portMapping)
        .filter((mapping) => mapping.target === management);
      const problems = exposed
        .filter((mapping) => mapping.hostIp !== '127.0.0.1')
        .map(
          (mapping) =>
            `${service.name}: management port ${management} is published on ${mapping.hostIp ?? 'every interface'}; ` +
            `expected "127.0.0.1:${mapping.published ?? management}:${management}"`,
        );
      if (keys.has('MANAGEMENT_PORT') && management === listens) {
        problems.push(`${service.name}: MANAGEMENT_PORT is its PORT ${listens}`);
      }
      expect(problems).toEqual([]);
    });

    it(`is built from ${DOCKERFILE} with SERVICE set to its name, and traces under its name`, () => {
      const args = keyValues(entry?.build?.args);
      const problems: string[] = [];
      if (entry?.build?.dockerfile !== DOCKERFILE) {
        problems.push(`${service.name}: build.dockerfile is ${entry?.build?.dockerfile}, not ${DOCKERFILE}`);
      }
      if (args.get('SERVICE') !== service.name) {
        problems.push(`${service.name}: build arg SERVICE is ${args.get('SERVICE')}, not ${service.name}`);
      }
      if (environment.get('OTEL_SERVICE_NAME') !== service.name) {
        problems.push(
          `${service.name}: OTEL_SERVICE_NAME is ${environment.get('OTEL_SERVICE_NAME')}, not ${service.name}`,
        );
      }
      expect(problems).toEqual([]);
    });
  });

  it(`builds only the six services from ${DOCKERFILE}`, () => {
    const names = new Set(services.map((service) => service.name));
    const strangers = Object.entries(compose)
      .filter(([name, entry]) => entry.build?.dockerfile === DOCKERFILE && !names.has(name))
      .map(([name]) => `${name}: built from ${DOCKERFILE} but is not one of the six services`);
    expect(strangers).toEqual([]);
  });
});

describe('.env.example', () => {
  it.each(services)('lists every variable of the $name configSchema', (service) => {
    const missing = schemaKeys(service.schema)
      .filter((name) => !envExample.mentioned.has(name))
      .map((name) => `${service.name}: ${name} (read by its configSchema) is not in .env.example`);
    expect(missing).toEqual([]);
  });

  it('lists only variables some service reads', () => {
    const read = new Set(services.flatMap((service) => schemaKeys(service.schema)));
    const stale = [...envExample.mentioned]
      .filter((name) => !read.has(name) && !isObservabilityVariable(name))
      .map((name) => `.env.example: ${name} is read by no service's configSchema`);
    expect(stale).toEqual([]);
  });

  it.each(services)('has values the $name configSchema accepts', (service) => {
    const result = service.schema.safeParse(envExample.values);
    expect(result.success ? [] : describeIssues(service.name, result.error.issues, '.env.example')).toEqual(
      [],
    );
  });
});

describe(DOCKERFILE, () => {
  const lines = readFileSync(path.join(root, DOCKERFILE), 'utf8').split('\n');

  it.each(services)(
    "exposes the $name configSchema's default PORT and management port, and health-checks it",
    (service) => {
      const port = defaultPort(service);
      const management = defaultManagementPort(port);
      const exposed: number[] = [];
      let stage: string | undefined;
      for (const line of lines) {
        const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
        if (from) stage = from[1];
        const expose = /^EXPOSE\s+(\d+(?:\s+\d+)*)\s*$/i.exec(line);
        if (expose && stage === `service-${service.name}`)
          exposed.push(...expose[1]!.split(/\s+/).map(Number));
      }
      const healthcheck = lines.find((line) => line.includes('/health/live')) ?? '';
      const problems: string[] = [];
      if (exposed.join() !== [port, management].join()) {
        problems.push(
          `${service.name}: stage service-${service.name} exposes [${exposed.join()}], its configSchema's PORT is ${port} ` +
            `and its management port ${management}`,
        );
      }
      if (!healthcheck.includes(`'${service.name}':${port}`)) {
        problems.push(`${service.name}: the HEALTHCHECK does not map it to port ${port}`);
      }
      expect(problems).toEqual([]);
    },
  );
});
