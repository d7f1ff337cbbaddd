import { BlockList, isIP } from 'node:net';

/** Why an address is not a webhook's: none of these is a tenant's public endpoint. */
export type RefusedAddressKind =
  'unspecified' | 'loopback' | 'link-local' | 'private' | 'multicast' | 'broadcast' | 'reserved';

type Ranges = readonly (readonly [RefusedAddressKind, string, number])[];

// IANA special-purpose registries (RFC 6890 and updates). Checked in this order: the first kind
// that contains the address names it (255.255.255.255 is `broadcast` before it is `reserved`).
const IPV4: Ranges = [
  ['unspecified', '0.0.0.0', 8], // "this network", 0.0.0.0 included
  ['loopback', '127.0.0.0', 8],
  ['link-local', '169.254.0.0', 16], // the cloud metadata address 169.254.169.254 included
  ['private', '10.0.0.0', 8],
  ['private', '172.16.0.0', 12],
  ['private', '192.168.0.0', 16],
  ['private', '100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
  ['multicast', '224.0.0.0', 4],
  ['broadcast', '255.255.255.255', 32],
  ['reserved', '192.0.0.0', 24], // IETF protocol assignments
  ['reserved', '192.0.2.0', 24], // documentation
  ['reserved', '198.18.0.0', 15], // benchmarking
  ['reserved', '198.51.100.0', 24],
  ['reserved', '203.0.113.0', 24],
  ['reserved', '240.0.0.0', 4],
];

const IPV6: Ranges = [
  ['unspecified', '::', 128],
  ['loopback', '::1', 128],
  ['link-local', 'fe80::', 10],
  ['private', 'fc00::', 7], // unique local addresses
  ['private', 'fec0::', 10], // site-local (deprecated)
  ['multicast', 'ff00::', 8],
  ['reserved', '100::', 64], // discard-only
  ['reserved', '2001::', 32], // Teredo: the IPv4 address inside is obfuscated
  ['reserved', '2001:db8::', 32], // documentation
  ['reserved', '64:ff9b:1::', 48], // local-use IPv4/IPv6 translation
];

/**
 * IPv6 prefixes of 96 bits whose last 32 bits are an IPv4 address that the packet ends up at:
 * IPv4-mapped (`::ffff:127.0.0.1`), IPv4-compatible (`::127.0.0.1`, deprecated) and NAT64
 * (`64:ff9b::127.0.0.1`). Each IPv4 range above is refused inside each of them too.
 */
const IPV4_CARRYING_PREFIXES = ['::ffff:', '::', '64:ff9b::'];

/** 6to4 (`2002:AABB:CCDD::/48`) carries an IPv4 address in bits 16 to 48. */
function sixToFour(ipv4: string, prefix: number): [string, number] {
  const [a = 0, b = 0, c = 0, d = 0] = ipv4.split('.').map(Number);
  const hex = (high: number, low: number) => ((high << 8) | low).toString(16);
  return [`2002:${hex(a, b)}:${hex(c, d)}::`, 16 + prefix];
}

const KINDS: readonly RefusedAddressKind[] = [
  'unspecified',
  'loopback',
  'link-local',
  'private',
  'multicast',
  'broadcast',
  'reserved',
];

/** One list per kind of the ranges themselves, then one per kind of the IPv4 ranges inside IPv6. */
function blockList(kind: RefusedAddressKind, carried: boolean): BlockList {
  const list = new BlockList();
  for (const [rangeKind, address, prefix] of IPV4) {
    if (rangeKind !== kind) continue;
    if (!carried) {
      list.addSubnet(address, prefix, 'ipv4');
      continue;
    }
    for (const carrier of IPV4_CARRYING_PREFIXES) list.addSubnet(carrier + address, 96 + prefix, 'ipv6');
    list.addSubnet(...sixToFour(address, prefix), 'ipv6');
  }
  if (!carried) {
    for (const [rangeKind, address, prefix] of IPV6) {
      if (rangeKind === kind) list.addSubnet(address, prefix, 'ipv6');
    }
  }
  return list;
}

// `::1` is the loopback address before it is 0.0.0.1 carried by an IPv4-compatible address.
const blockLists: readonly (readonly [RefusedAddressKind, BlockList])[] = [
  ...KINDS.map((kind) => [kind, blockList(kind, false)] as const),
  ...KINDS.map((kind) => [kind, blockList(kind, true)] as const),
];

/**
 * Why `address` (an IPv4 or IPv6 address, as `dns.lookup` returns it or as a URL's host names it)
 * may not receive webhooks, or `undefined` if it may: a public unicast address. Anything that is not
 * an IP address is `reserved`: refused.
 *
 * @example
 * refusedAddressKind('169.254.169.254'); // 'link-local'
 * refusedAddressKind('::ffff:10.1.2.3');  // 'private'
 * refusedAddressKind('93.184.215.14');    // undefined
 */
export function refusedAddressKind(address: string): RefusedAddressKind | undefined {
  const bare = address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, ''); // [::1], fe80::1%eth0
  const family = isIP(bare);
  if (family === 0) return 'reserved';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return blockLists.find(([, list]) => list.check(bare, type))?.[0];
}

const ARTICLE: Record<RefusedAddressKind, string> = {
  unspecified: 'an unspecified',
  loopback: 'a loopback',
  'link-local': 'a link-local',
  private: 'a private',
  multicast: 'a multicast',
  broadcast: 'the broadcast',
  reserved: 'a reserved',
};

/** "a loopback address", "the broadcast address" … */
export const describeKind = (kind: RefusedAddressKind): string => `${ARTICLE[kind]} address`;
