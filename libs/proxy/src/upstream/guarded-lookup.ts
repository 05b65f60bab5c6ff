import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { blockedReason, type NetworkList } from '@allot/platform';

/** A provider host whose addresses are all refused by the network policy. Its message is for logs, not members. */
export class UpstreamAddressBlocked extends Error {
  readonly code = 'ERR_UPSTREAM_ADDRESS_BLOCKED';

  constructor(
    readonly host: string,
    readonly refused: { address: string; reason: string }[],
  ) {
    super(`${host} → ${refused.map((r) => `${r.address} (${r.reason})`).join(', ')}`);
    this.name = 'UpstreamAddressBlocked';
  }
}

/** `dns.lookup` in its `all: true` form; a parameter so tests can resolve names without DNS. */
export type ResolveAll = (
  hostname: string,
  options: LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolveAll: ResolveAll = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/**
 * A `lookup` for `net.connect` / `tls.connect` (undici passes its `connect` options through to them) that resolves
 * the host and keeps only the addresses the network policy allows, so the socket can only ever connect to an
 * address that was checked — re-resolving a name to a metadata or loopback address later (DNS rebinding) cannot
 * bypass it. When none is left, the connection fails with `UpstreamAddressBlocked`. Node skips `lookup` for IP
 * literals: those are checked before connecting (`checkLiteralHost`).
 *
 * Node calls it with `all: true` when it may try several addresses (`autoSelectFamily`, the default since Node 20)
 * and expects `callback(null, [{ address, family }])`; otherwise `callback(null, address, family)`.
 */
export function guardedLookup(allowed: NetworkList, resolveAll: ResolveAll = systemResolveAll): LookupFunction {
  return (hostname, options, callback) => {
    resolveAll(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, options.all ? [] : '');
      const permitted: LookupAddress[] = [];
      const refused: { address: string; reason: string }[] = [];
      for (const entry of addresses) {
        const reason = blockedReason(entry.address, allowed);
        if (reason) refused.push({ address: entry.address, reason });
        else permitted.push(entry);
      }
      if (permitted.length === 0) return callback(new UpstreamAddressBlocked(hostname, refused), options.all ? [] : '');
      if (options.all) return callback(null, permitted);
      callback(null, permitted[0]!.address, permitted[0]!.family);
    });
  };
}

/** Throws `UpstreamAddressBlocked` when `hostname` (as in a URL: IPv6 in brackets) is an IP literal the policy refuses. */
export function checkLiteralHost(hostname: string, allowed: NetworkList): void {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  // A name is judged by `guardedLookup` once resolved; only literals bypass the lookup.
  if (!isIP(host)) return;
  const reason = blockedReason(host, allowed);
  if (reason) throw new UpstreamAddressBlocked(host, [{ address: host, reason }]);
}
