// deploy/k8s against the services' own configuration, as tools/architecture does for
// docker-compose.yml: each service's zod `configSchema` is the source of truth for the variables it
// reads, its port, and (libs/service-kit) the health routes and the management port. Every
// failure names the rendering, the service and what is wrong.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
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
import { k8s, kustomizeBuild, root, type RawObject } from './kustomize';
import {
  named,
  ofKind,
  selects,
  type ConfigMap,
  type Container,
  type HorizontalPodAutoscaler,
  type NetworkPolicy,
  type PodDisruptionBudget,
  type Secret,
  type Service,
  type Workload,
} from './objects';

interface ServiceSpec {
  readonly name: string;
  readonly schema: z.ZodObject;
  /** Its Kafka consumer group, if it is a consumer whose replicas share a topic's partitions. */
  readonly consumerGroup?: string;
}

const services: readonly ServiceSpec[] = [
  { name: 'gateway', schema: gatewayConfig },
  { name: 'command-service', schema: commandServiceConfig, consumerGroup: 'command-service' },
  { name: 'projection-service', schema: projectionServiceConfig, consumerGroup: 'projection-service.orders' },
  { name: 'query-service', schema: queryServiceConfig },
  { name: 'saga-service', schema: sagaServiceConfig },
  { name: 'tenant-registry', schema: tenantRegistryConfig, consumerGroup: 'tenant-registry.webhooks' },
];

/**
 * The Secrets production creates out of band (the prod overlay deletes the base's placeholders),
 * with the keys README "Kubernetes" documents; here with sample values to check the services'
 * configuration with.
 */
const externalSecrets: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'platform-database': { DATABASE_URL: 'postgres://platform:s3cret@db.example.internal:5432/platform' },
  'platform-jwt': { JWT_SECRET: 'a-production-jwt-secret-of-at-least-32-characters' },
  'platform-internal-context': { INTERNAL_CONTEXT_SECRET: 'a-production-internal-context-secret-0123456789' },
};

/** Read by libs/observability and the OpenTelemetry SDK (or Node itself), not by the schemas. */
const isObservabilityVariable = (name: string): boolean =>
  name.startsWith('OTEL_') || name === 'LOG_LEVEL' || name === 'NODE_ENV';

/** The routes of libs/service-kit's HealthController, which every service mounts on its port. */
const healthRoutes = [
  ...readFileSync(path.join(root, 'libs/service-kit/src/health/health.controller.ts'), 'utf8').matchAll(
    /@Get\('([^']+)'\)/g,
  ),
].map((match) => `/${match[1]}`);

const renderings = [
  { name: 'overlays/dev', dir: path.join(k8s, 'overlays/dev'), secretsFromGit: true },
  { name: 'overlays/prod', dir: path.join(k8s, 'overlays/prod'), secretsFromGit: false },
];

const decode = (secret: Secret): Record<string, string> => ({
  ...Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([key, value]) => [
      key,
      Buffer.from(value, 'base64').toString('utf8'),
    ]),
  ),
  ...secret.stringData,
});

/** The container's environment as Kubernetes builds it: `envFrom` sources in order, then `env`. */
function environmentOf(
  container: Container,
  objects: readonly RawObject[],
  problems: string[],
): Map<string, string> {
  const env = new Map<string, string>();
  const configMap = (name: string) => named(ofKind<ConfigMap>(objects, 'ConfigMap'), name)?.data;
  const secret = (name: string) => {
    const found = named(ofKind<Secret>(objects, 'Secret'), name);
    return found ? decode(found) : externalSecrets[name];
  };
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name ?? source.secretRef?.name ?? '?';
    const data = source.configMapRef ? configMap(name) : secret(name);
    if (!data) problems.push(`envFrom ${name}: no such ConfigMap or Secret`);
    for (const [key, value] of Object.entries(data ?? {})) {
      if (env.has(key)) problems.push(`${key} comes from two envFrom sources (the later one, ${name}, wins)`);
      env.set(key, value);
    }
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.configMapKeyRef ?? variable.valueFrom?.secretKeyRef;
    const value = ref
      ? (variable.valueFrom?.configMapKeyRef ? configMap(ref.name) : secret(ref.name))?.[ref.key]
      : variable.value;
    if (value === undefined) problems.push(`${variable.name}: its value or reference resolves to nothing`);
    else env.set(variable.name, value);
  }
  return env;
}

function defaultPort(schema: z.ZodObject): number {
  const parsed = (schema.shape.PORT as z.ZodType).safeParse(undefined);
  if (!parsed.success || typeof parsed.data !== 'number') throw new Error('configSchema has no PORT default');
  return parsed.data;
}

/** The variables without a default: those `safeParse({})` complains about. */
function requiredKeys(schema: z.ZodObject): string[] {
  const result = schema.safeParse({});
  return result.success ? [] : [...new Set(result.error.issues.map((issue) => String(issue.path[0])))];
}

describe.each(renderings)('deploy/k8s/$name against each service configSchema', ({ dir, secretsFromGit }) => {
  const objects = kustomizeBuild(dir);
  const deployments = ofKind<Workload>(objects, 'Deployment');

  describe.each(services)('$name', ({ name, schema, consumerGroup }) => {
    const deployment = named(deployments, name);
    const template = deployment?.spec.template;
    const container = template?.spec.containers.find((candidate) => candidate.name === name);
    const envProblems: string[] = [];
    const env = container ? environmentOf(container, objects, envProblems) : new Map<string, string>();
    const podLabels = template?.metadata?.labels ?? {};
    const portOf = (portName: string) =>
      container?.ports?.find((port) => port.name === portName)?.containerPort;
    // As main.ts: the gateway's GATEWAY_PORT wins over PORT.
    const listens = Number(env.get('GATEWAY_PORT') ?? env.get('PORT') ?? defaultPort(schema));
    const management = Number(env.get('MANAGEMENT_PORT') ?? listens + 100);

    it('has a Deployment whose container is named after it, with image tenantflow/<name>', () => {
      expect(container?.image).toMatch(new RegExp(`(^|/)tenantflow/${name}(:|$)`));
      if (!secretsFromGit) expect(container?.image).toMatch(/^[a-z0-9.-]+\/.+:(?!dev$|latest$)[\w.-]+$/);
    });

    it('gets every envFrom and env entry from a source that exists', () => {
      expect(envProblems).toEqual([]);
    });

    it('is given only variables its configSchema reads (or OpenTelemetry, LOG_LEVEL, NODE_ENV)', () => {
      const keys = new Set(Object.keys(schema.shape));
      expect([...env.keys()].filter((key) => !keys.has(key) && !isObservabilityVariable(key))).toEqual([]);
    });

    it('is given every variable without a default, with values its configSchema accepts', () => {
      expect(requiredKeys(schema).filter((key) => !env.has(key))).toEqual([]);
      // The image sets NODE_ENV=production (deploy/docker/Dockerfile), which refuses development secrets.
      const result = schema.safeParse({ NODE_ENV: 'production', ...Object.fromEntries(env) });
      expect(
        result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      ).toEqual([]);
      expect(env.get('OTEL_SERVICE_NAME')).toBe(name);
    });

    it('gets every secret its configSchema reads from a Secret, never the built-in development default', () => {
      const secretKeys = new Set(Object.values(externalSecrets).flatMap((secret) => Object.keys(secret)));
      const read = Object.keys(schema.shape).filter((key) => secretKeys.has(key));
      expect(read.filter((key) => !env.has(key))).toEqual([]);
    });

    it('verifies tokens with the same identity provider as every other service that verifies them', () => {
      const jwt = ['JWT_JWKS_URL', 'JWT_ISSUER', 'JWT_AUDIENCE'].filter((key) => key in schema.shape);
      const gateway = named(deployments, 'gateway')?.spec.template.spec.containers[0];
      const gatewayEnv = gateway ? environmentOf(gateway, objects, []) : new Map<string, string>();
      expect(jwt.map((key) => [key, env.get(key)])).toEqual(jwt.map((key) => [key, gatewayEnv.get(key)]));
    });

    it('names its service port http and its management port (port + 100) management', () => {
      expect({ http: portOf('http'), management: portOf('management') }).toEqual({
        http: listens,
        management,
      });
    });

    it('probes real health routes of libs/service-kit on a port it listens on', () => {
      const probes = {
        startup: container?.startupProbe?.httpGet,
        liveness: container?.livenessProbe?.httpGet,
        readiness: container?.readinessProbe?.httpGet,
      };
      expect(probes).toEqual({
        startup: { path: '/health/live', port: 'http' },
        liveness: { path: '/health/live', port: 'http' },
        readiness: { path: '/health/ready', port: 'http' },
      });
      expect(healthRoutes).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
    });

    it('is scraped on its management port only', () => {
      expect(template?.metadata?.annotations).toMatchObject({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(management),
        'prometheus.io/path': '/metrics',
      });
    });

    it('has requests and limits for CPU and memory', () => {
      const { requests = {}, limits = {} } = container?.resources ?? {};
      expect({ requests: Object.keys(requests).sort(), limits: Object.keys(limits).sort() }).toEqual({
        requests: ['cpu', 'memory'],
        limits: ['cpu', 'memory'],
      });
    });

    it('has a Service selecting its pods, with its two ports by name and number', () => {
      const service = named(ofKind<Service>(objects, 'Service'), name);
      expect(selects({ matchLabels: service?.spec.selector ?? { none: 'selector' } }, podLabels)).toBe(true);
      expect(
        service?.spec.ports.map(({ name: portName, port, targetPort }) => ({ portName, port, targetPort })),
      ).toEqual([
        { portName: 'http', port: listens, targetPort: 'http' },
        { portName: 'management', port: management, targetPort: 'management' },
      ]);
    });

    it('has a PodDisruptionBudget and a NetworkPolicy selecting its pods', () => {
      const budget = named(ofKind<PodDisruptionBudget>(objects, 'PodDisruptionBudget'), name);
      const policy = named(ofKind<NetworkPolicy>(objects, 'NetworkPolicy'), name);
      expect(budget && selects(budget.spec.selector, podLabels)).toBe(true);
      expect(policy && selects(policy.spec.podSelector, podLabels)).toBe(true);
      expect(deployment && selects(deployment.spec.selector, podLabels)).toBe(true);
    });

    it('has a HorizontalPodAutoscaler on CPU; a consumer never gets more replicas than partitions', () => {
      const autoscaler = named(ofKind<HorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler'), name);
      expect(autoscaler?.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name });
      expect(autoscaler?.spec.metrics?.some((metric) => metric.resource?.name === 'cpu')).toBe(true);
      expect(autoscaler?.spec.minReplicas ?? 1).toBeLessThanOrEqual(autoscaler?.spec.maxReplicas ?? 0);
      if (consumerGroup) {
        const partitions = Number(env.get('KAFKA_PARTITIONS'));
        expect(autoscaler?.spec.maxReplicas).toBeLessThanOrEqual(partitions);
      }
    });

    it('reaches the Services of this namespace its URLs name, on ports they serve', () => {
      const problems: string[] = [];
      const endpoints = [...env.values()].flatMap((value) =>
        value.split(',').flatMap((part) => {
          const match = /^(?:[a-z]+:\/\/(?:[^@/]*@)?)?([a-z0-9-]+):(\d+)(?:[/?]|$)/.exec(part);
          return match ? [{ host: match[1] ?? '', port: Number(match[2]) }] : [];
        }),
      );
      for (const { host, port } of endpoints) {
        const service = named(ofKind<Service>(objects, 'Service'), host);
        if (!service?.spec.ports.some((servicePort) => servicePort.port === port)) {
          problems.push(`${host}:${port} is not a port of a Service ${host} in the rendering`);
        }
      }
      expect(problems).toEqual([]);
    });
  });

  it('uses one KAFKA_PARTITIONS for every service that creates topics', () => {
    const values = new Set(
      ofKind<ConfigMap>(objects, 'ConfigMap').flatMap((map) =>
        map.data?.KAFKA_PARTITIONS === undefined ? [] : [map.data.KAFKA_PARTITIONS],
      ),
    );
    expect(values.size).toBe(1);
  });

  it(
    secretsFromGit
      ? 'renders the Secrets with the documented keys'
      : 'renders no Secret: they come from outside git',
    () => {
      const secrets = Object.fromEntries(
        ofKind<Secret>(objects, 'Secret')
          .filter((secret) => secret.metadata.name in externalSecrets)
          .map((secret) => [secret.metadata.name, Object.keys(decode(secret))]),
      );
      const documented = Object.fromEntries(
        Object.entries(externalSecrets).map(([key, value]) => [key, Object.keys(value)]),
      );
      expect(secrets).toEqual(secretsFromGit ? documented : {});
      if (!secretsFromGit) expect(ofKind(objects, 'Secret')).toEqual([]);
    },
  );
});

describe('overlays/dev', () => {
  const objects = kustomizeBuild(path.join(k8s, 'overlays/dev'));

  it('gives the services the credentials of its PostgreSQL', () => {
    const database = named(ofKind<Secret>(objects, 'Secret'), 'platform-database');
    const postgres = named(ofKind<Secret>(objects, 'Secret'), 'postgres-dev');
    const url = new URL(database ? (decode(database).DATABASE_URL ?? '') : '');
    expect(url.password).toBe(postgres && decode(postgres).POSTGRES_PASSWORD);
    const container = named(ofKind<Workload>(objects, 'StatefulSet'), 'postgres')?.spec.template.spec
      .containers[0];
    const env = Object.fromEntries((container?.env ?? []).map((variable) => [variable.name, variable.value]));
    expect({ user: url.username, database: url.pathname.slice(1) }).toEqual({
      user: env.POSTGRES_USER,
      database: env.POSTGRES_DB,
    });
  });
});
