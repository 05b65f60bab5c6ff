import { BlockList, isIP } from 'node:net';

/**
 * Where the gateway may open connections to providers (SSRF protection). Provider base URLs come from admins, not
 * from members, but a mistaken or malicious base URL must still not turn the gateway into a way to reach the cloud
 * metadata service, the gateway host's own loopback services, or link-local neighbours. Private (RFC 1918, ULA)
 * networks stay allowed: self-hosted models on internal networks are the common case.
 */

/** One network of an allow list: an address and a prefix length (`/32` or `/128` for a single address). */
export interface NetworkRange {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/** Networks exempt from the blocked ranges (`ALLOT_UPSTREAM_ALLOWED_NETWORKS`). */
export type NetworkList = readonly NetworkRange[];

interface BlockedRange {
  reason: string;
  ranges: [address: string, prefix: number, family: 'ipv4' | 'ipv6'][];
}

/**
 * Checked in order; the first match names the reason. IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`) match the
 * IPv4 ranges: `BlockList` compares them as the IPv4 address they carry.
 */
const BLOCKED: BlockedRange[] = [
  {
    reason: 'a cloud metadata address',
    ranges: [
      ['169.254.169.254', 32, 'ipv4'], // AWS, GCP, Azure, Oracle, DigitalOcean …
      ['169.254.170.2', 32, 'ipv4'], // AWS ECS task metadata
      ['100.100.100.200', 32, 'ipv4'], // Alibaba Cloud (outside the link-local range)
      ['fd00:ec2::254', 128, 'ipv6'], // AWS over IPv6
    ],
  },
  {
    reason: 'a loopback address',
    ranges: [
      ['127.0.0.0', 8, 'ipv4'],
      ['::1', 128, 'ipv6'],
    ],
  },
  {
    reason: 'an unspecified address',
    ranges: [
      ['0.0.0.0', 8, 'ipv4'], // "this network": 0.0.0.0 reaches the local host on Linux
      ['::', 128, 'ipv6'],
    ],
  },
  {
    reason: 'a link-local address',
    ranges: [
      ['169.254.0.0', 16, 'ipv4'],
      ['fe80::', 10, 'ipv6'],
    ],
  },
  {
    reason: 'a multicast address',
    ranges: [
      ['224.0.0.0', 4, 'ipv4'],
      ['ff00::', 8, 'ipv6'],
    ],
  },
  { reason: 'a reserved or broadcast address', ranges: [['240.0.0.0', 4, 'ipv4']] },
  // Deprecated IPv4-compatible IPv6 (`::127.0.0.1`): nothing legitimate uses it, and it hides an IPv4 address.
  { reason: 'an IPv4-compatible IPv6 address', ranges: [['::', 96, 'ipv6']] },
];

const blockedLists = BLOCKED.map(({ reason, ranges }) => {
  const list = new BlockList();
  for (const [address, prefix, family] of ranges) list.addSubnet(address, prefix, family);
  return { reason, list };
});

/** NAT64's well-known prefix carries an IPv4 address in its last 32 bits; it is judged as that address. */
const NAT64 = (() => {
  const list = new BlockList();
  list.addSubnet('64:ff9b::', 96, 'ipv6');
  return list;
})();

const familyOf = (address: string): 'ipv4' | 'ipv6' | undefined => {
  const version = isIP(address);
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : undefined;
};

/** `[::1]` (as in URLs) → `::1`. */
const unbracket = (host: string) => (host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host);

/**
 * Parses a comma-separated list of networks: CIDR ranges (`10.0.0.0/8`, `fd00::/8`) or single addresses (`10.1.2.3`,
 * `::1`). Throws an `Error` naming every bad entry.
 */
export function parseNetworkList(text: string): NetworkList {
  const ranges: NetworkRange[] = [];
  const bad: string[] = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const slash = entry.indexOf('/');
    const address = unbracket(slash === -1 ? entry : entry.slice(0, slash));
    const family = familyOf(address);
    const max = family === 'ipv4' ? 32 : 128;
    const prefixText = slash === -1 ? String(max) : entry.slice(slash + 1);
    const prefix = Number(prefixText);
    if (!family || address.includes('%') || !/^\d{1,3}$/.test(prefixText) || prefix > max) {
      bad.push(entry);
      continue;
    }
    ranges.push({ address, prefix, family });
  }
  if (bad.length > 0) {
    throw new Error(
      `${bad.map((b) => JSON.stringify(b)).join(', ')} ${bad.length === 1 ? 'is not an IP address or CIDR range' : 'are not IP addresses or CIDR ranges'}` +
        ' (expected e.g. 10.0.0.0/8, fd00::/8 or 127.0.0.1)',
    );
  }
  return ranges;
}

const allowLists = new WeakMap<NetworkList, BlockList>();

function allowListOf(allowed: NetworkList): BlockList {
  let list = allowLists.get(allowed);
  if (!list) {
    list = new BlockList();
    for (const range of allowed) list.addSubnet(range.address, range.prefix, range.family);
    allowLists.set(allowed, list);
  }
  return list;
}

/** The last 32 bits of a NAT64 address as dotted IPv4. */
function embeddedIpv4(address: string): string | undefined {
  const groups = expandIpv6(address);
  if (!groups) return undefined;
  const [hi, lo] = [groups[6]!, groups[7]!];
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
}

/** Eight 16-bit groups of an IPv6 address (with an optional trailing dotted IPv4 and zone id). */
function expandIpv6(address: string): number[] | undefined {
  let text = address.split('%')[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string?];
  const parse = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const zeros = 8 - left.length - right.length;
  if (zeros < 0 || (tail === undefined && zeros !== 0)) return undefined;
  return [...left, ...new Array<number>(zeros).fill(0), ...right];
}

/**
 * Why the gateway must not connect to `address` (an IP address, possibly bracketed or with a zone id), or
 * `undefined` when it may. Addresses inside `allowed` are never blocked. A string that is not an IP address is
 * blocked: callers pass resolved addresses, never host names.
 */
export function blockedReason(address: string, allowed: NetworkList = []): string | undefined {
  const ip = unbracket(address);
  const family = familyOf(ip);
  if (!family) return 'not an IP address';
  if (allowed.length > 0 && allowListOf(allowed).check(ip, family)) return undefined;
  for (const { reason, list } of blockedLists) if (list.check(ip, family)) return reason;
  if (family === 'ipv6' && NAT64.check(ip, 'ipv6')) {
    const inner = embeddedIpv4(ip);
    const reason = inner ? blockedReason(inner, allowed) : 'not an IP address';
    return reason && `${reason} (through NAT64)`;
  }
  return undefined;
}

/** Host names of cloud metadata services; refused whatever they resolve to. */
const METADATA_HOSTS = new Set(['metadata', 'metadata.google.internal', 'instance-data', 'instance-data.ec2.internal']);

/**
 * Static checks of a provider base URL, before any connection: `http:` or `https:` only, no credentials in the URL,
 * no fragment, no cloud metadata host name. With `allowed`, an IP-literal host (and `localhost`, which always means
 * loopback) is also checked against the network policy; host names are otherwise judged when they are resolved, at
 * connect time. Returns the problem, or `undefined` when the URL is acceptable.
 */
export function validateBaseUrl(url: string, allowed?: NetworkList): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute http:// or https:// URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'must be an http:// or https:// URL';
  if (parsed.username || parsed.password) return 'must not contain a user name or password; credentials go in apiKey';
  if (parsed.hash || url.includes('#')) return 'must not contain a fragment (#…)';
  // WHATWG URL parsing has already normalized IPv4 forms such as 2130706433 or 0x7f.1 to 127.0.0.1.
  const host = unbracket(parsed.hostname).replace(/\.$/, '');
  if (METADATA_HOSTS.has(host)) return 'must not point at a cloud metadata service';
  if (!allowed) return undefined;
  if (isIP(host)) {
    const reason = blockedReason(host, allowed);
    return reason && `points at ${reason}, which the gateway refuses to connect to`;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) {
    const reachable = !blockedReason('127.0.0.1', allowed) || !blockedReason('::1', allowed);
    return reachable ? undefined : 'points at a loopback address (localhost), which the gateway refuses to connect to';
  }
  return undefined;
}
