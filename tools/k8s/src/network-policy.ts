import { BlockList, isIPv4 } from 'node:net';
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyRule } from './objects';
import { selects } from './objects';

/**
 * A small NetworkPolicy evaluator (networking.k8s.io/v1 semantics) for the reachability tests:
 * a connection from a pod is allowed when the policies of its namespace allow it out (or none
 * selects it for egress) and the policies of the destination's namespace allow it in (or none
 * selects the destination for ingress). Peers match by pod selector (in the policy's namespace),
 * namespace selector, both, or IP block; ports by number or by the destination pod's port name.
 */
export interface Endpoint {
  readonly name: string;
  /** Absent for an address outside the cluster. */
  readonly namespace?: { readonly name: string; readonly labels: Readonly<Record<string, string>> };
  readonly labels?: Readonly<Record<string, string>>;
  readonly ip: string;
  /** Named container ports of a pod: `http` -> 8080. */
  readonly ports?: Readonly<Record<string, number>>;
}

export interface Connection {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly port: number;
  readonly protocol?: 'TCP' | 'UDP';
}

function inBlock(ip: string, block: NonNullable<NetworkPolicyPeer['ipBlock']>): boolean {
  const type = isIPv4(ip) ? 'ipv4' : 'ipv6';
  const cidr = (value: string): [string, number] => {
    const [address = '', prefix = ''] = value.split('/');
    return [address, Number(prefix)];
  };
  const within = new BlockList();
  within.addSubnet(...cidr(block.cidr), type);
  const excluded = new BlockList();
  for (const except of block.except ?? []) excluded.addSubnet(...cidr(except), type);
  return within.check(ip, type) && !excluded.check(ip, type);
}

function peerMatches(peer: NetworkPolicyPeer, policyNamespace: string, endpoint: Endpoint): boolean {
  if (peer.ipBlock) return inBlock(endpoint.ip, peer.ipBlock);
  if (!endpoint.namespace) return false;
  const namespaceOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, endpoint.namespace.labels)
    : endpoint.namespace.name === policyNamespace;
  return namespaceOk && (!peer.podSelector || selects(peer.podSelector, endpoint.labels ?? {}));
}

function portMatches(rule: NetworkPolicyRule, connection: Connection): boolean {
  if (!rule.ports || rule.ports.length === 0) return true;
  return rule.ports.some(({ port, protocol = 'TCP' }) => {
    if (protocol !== (connection.protocol ?? 'TCP')) return false;
    if (port === undefined) return true;
    return typeof port === 'number'
      ? port === connection.port
      : connection.to.ports?.[port] === connection.port;
  });
}

const types = (policy: NetworkPolicy): readonly string[] =>
  policy.spec.policyTypes ?? (policy.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);

function allowedBy(
  policies: readonly NetworkPolicy[],
  direction: 'Ingress' | 'Egress',
  connection: Connection,
): boolean {
  const local = direction === 'Ingress' ? connection.to : connection.from;
  const remote = direction === 'Ingress' ? connection.from : connection.to;
  if (!local.namespace) return true; // outside the cluster: no policy applies there
  const namespace = local.namespace.name;
  const applying = policies.filter(
    (policy) =>
      (policy.metadata.namespace ?? namespace) === namespace &&
      types(policy).includes(direction) &&
      selects(policy.spec.podSelector, local.labels ?? {}),
  );
  if (applying.length === 0) return true;
  return applying.some((policy) =>
    (direction === 'Ingress' ? (policy.spec.ingress ?? []) : (policy.spec.egress ?? [])).some((rule) => {
      const peers = direction === 'Ingress' ? rule.from : rule.to;
      const peerOk =
        !peers || peers.length === 0 || peers.some((peer) => peerMatches(peer, namespace, remote));
      return peerOk && portMatches(rule, connection);
    }),
  );
}

/** May `connection` be opened under `policies` (all the cluster's, of every namespace)? */
export const allowed = (policies: readonly NetworkPolicy[], connection: Connection): boolean =>
  allowedBy(policies, 'Egress', connection) && allowedBy(policies, 'Ingress', connection);
