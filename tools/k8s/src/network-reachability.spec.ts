import path from 'node:path';
import { k8s, kustomizeBuild } from './kustomize';
import { allowed, type Endpoint } from './network-policy';
import { ofKind, type NetworkPolicy, type Workload } from './objects';

// Who may open a connection to whom, under the rendered NetworkPolicies: every pair is computed and
// compared with the whole expected list, so a rule that opens one path too many fails as surely as
// one that closes a needed path.

const SERVICES = [
  'gateway',
  'command-service',
  'projection-service',
  'query-service',
  'saga-service',
  'tenant-registry',
] as const;
const HTTP_PORT: Record<(typeof SERVICES)[number], number> = {
  gateway: 8080,
  'command-service': 8081,
  'projection-service': 8082,
  'query-service': 8083,
  'saga-service': 8084,
  'tenant-registry': 8085,
};
const POSTGRES_CLIENTS = SERVICES;
const HTTPS_CLIENTS = ['gateway', 'projection-service', 'tenant-registry'];

const namespace = (name: string) => ({ name, labels: { 'kubernetes.io/metadata.name': name } });
const pod = (name: string, ns: string, labels: Record<string, string>, ports: Record<string, number> = {}) =>
  ({ name, namespace: namespace(ns), labels, ip: '10.244.0.1', ports }) satisfies Endpoint;
const outside = (name: string, ip: string): Endpoint => ({ name, ip });

/** The rendered workloads as pods, named after their workload. */
function podsOf(workloads: readonly Workload[], ns: string): Endpoint[] {
  return workloads.map((workload) => {
    const container = workload.spec.template.spec.containers[0];
    const ports = Object.fromEntries(
      (container?.ports ?? []).flatMap((port) => (port.name ? [[port.name, port.containerPort]] : [])),
    );
    return pod(workload.metadata.name, ns, workload.spec.template.metadata?.labels ?? {}, ports);
  });
}

interface World {
  readonly policies: NetworkPolicy[];
  readonly sources: Endpoint[];
  readonly targets: { readonly endpoint: Endpoint; readonly port: number }[];
  readonly find: (name: string) => Endpoint;
}

function world(overlay: 'dev' | 'prod', ns: string): World {
  const objects = kustomizeBuild(path.join(k8s, 'overlays', overlay));
  const workloads = [...ofKind<Workload>(objects, 'Deployment'), ...ofKind<Workload>(objects, 'StatefulSet')];
  const pods = podsOf(workloads, ns);
  const others = [
    // A pod nobody wrote a policy for (a debugging shell, a forgotten job): only the namespace's
    // default deny keeps it closed.
    pod('intruder', ns, { 'app.kubernetes.io/name': 'debug' }, { http: 8080 }),
    pod('other-namespace', 'other', { 'app.kubernetes.io/name': 'gateway' }),
    pod('prometheus', 'monitoring', { 'app.kubernetes.io/name': 'prometheus' }),
    outside('internet', '203.0.113.10'),
  ];
  const fixed = [
    pod('kube-dns', 'kube-system', { 'k8s-app': 'kube-dns' }, { dns: 53 }),
    pod('otel-collector', 'monitoring', { 'app.kubernetes.io/name': 'otel-collector' }, { otlp: 4318 }),
    pod('strimzi-broker', 'kafka', { 'strimzi.io/kind': 'Kafka' }, { clients: 9092 }),
    outside('managed-postgres', '10.20.0.5'),
    outside('webhook-receiver', '198.51.100.7'),
    outside('private-host', '10.0.0.5'),
    outside('cloud-metadata', '169.254.169.254'),
  ];
  const all = [...pods, ...others, ...fixed];
  const find = (name: string): Endpoint => {
    const found = all.find((endpoint) => endpoint.name === name);
    if (!found) throw new Error(`no endpoint ${name} in ${overlay}`);
    return found;
  };
  const targets = [
    ...[...pods, find('intruder')].flatMap((endpoint) =>
      Object.values(endpoint.ports ?? {}).map((port) => ({ endpoint, port })),
    ),
    { endpoint: find('strimzi-broker'), port: 9092 },
    { endpoint: find('managed-postgres'), port: 5432 },
  ];
  return {
    policies: ofKind<NetworkPolicy>(objects, 'NetworkPolicy'),
    sources: [...pods, ...others],
    targets,
    find,
  };
}

/** The connections the policies allow, of those that start or end in the platform's namespace. */
function reachable({ policies, sources, targets }: World, ns: string): string[] {
  return sources
    .flatMap((from) =>
      targets
        .filter(({ endpoint }) => from.namespace?.name === ns || endpoint.namespace?.name === ns)
        .filter(({ endpoint, port }) => allowed(policies, { from, to: endpoint, port }))
        .map(({ endpoint, port }) => `${from.name} -> ${endpoint.name}:${port}`),
    )
    .sort();
}

/** Every connection the policies must allow; any other must be refused. */
function expected(kafka: 'kafka' | 'strimzi-broker', postgres: 'postgres' | 'managed-postgres'): string[] {
  const lines = [
    // the public API, from any namespace or outside the cluster (but nothing in this namespace
    // may call it: their egress is closed)
    ...['other-namespace', 'prometheus', 'internet'].map((from) => `${from} -> gateway:8080`),
    // the management ports, from the monitoring namespace only
    ...SERVICES.map((service) => `prometheus -> ${service}:${HTTP_PORT[service] + 100}`),
    // the gateway's two HTTP calls
    'gateway -> query-service:8083',
    'gateway -> tenant-registry:8085',
    ...SERVICES.map((service) => `${service} -> ${kafka}:9092`),
    ...POSTGRES_CLIENTS.map((service) => `${service} -> ${postgres}:5432`),
  ];
  if (kafka === 'kafka') lines.push('kafka -> kafka:9092');
  return lines.sort();
}

describe.each([
  { overlay: 'dev' as const, ns: 'tenantflow-dev', kafka: 'kafka' as const, postgres: 'postgres' as const },
  {
    overlay: 'prod' as const,
    ns: 'tenantflow',
    kafka: 'strimzi-broker' as const,
    postgres: 'managed-postgres' as const,
  },
])('NetworkPolicies of overlays/$overlay', ({ overlay, ns, kafka, postgres }) => {
  const rendered = world(overlay, ns);

  it('allow exactly the expected connections between the pods, the namespaces and outside', () => {
    expect(reachable(rendered, ns)).toEqual(expected(kafka, postgres));
  });

  it.each(SERVICES)('let %s resolve names and export traces', (service) => {
    const from = rendered.find(service);
    const { policies } = rendered;
    expect(allowed(policies, { from, to: rendered.find('kube-dns'), port: 53, protocol: 'UDP' })).toBe(true);
    expect(allowed(policies, { from, to: rendered.find('otel-collector'), port: 4318 })).toBe(true);
  });

  it('open HTTPS to the internet only for webhooks and JWKS, and never to private or metadata addresses', () => {
    const { policies } = rendered;
    const https = SERVICES.filter((service) =>
      allowed(policies, { from: rendered.find(service), to: rendered.find('webhook-receiver'), port: 443 }),
    );
    expect(https).toEqual(HTTPS_CLIENTS);
    const inside = SERVICES.flatMap((service) =>
      ['private-host', 'cloud-metadata'].flatMap((target) =>
        [80, 443]
          .filter((port) =>
            allowed(policies, { from: rendered.find(service), to: rendered.find(target), port }),
          )
          .map((port) => `${service} -> ${target}:${port}`),
      ),
    );
    expect(inside).toEqual([]);
  });
});
