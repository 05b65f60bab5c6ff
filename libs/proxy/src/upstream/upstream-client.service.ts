import type { LookupFunction } from 'node:net';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Pool, type Dispatcher } from 'undici';
import { APP_CONFIG, type AppConfig } from '@allot/platform';
import type { UpstreamTarget } from '../adapters/provider-adapter';
import { GatewayErrors } from '../errors/gateway-error';
import { checkLiteralHost, guardedLookup, UpstreamAddressBlocked } from './guarded-lookup';

/**
 * Keep-alive connection pools, one per credential and origin, with connect / first-byte / idle timeouts.
 * undici never follows redirects unless asked, which is what a gateway wants.
 *
 * SSRF protection: every connection goes to an address the network policy allows (`ALLOT_UPSTREAM_ALLOWED_NETWORKS`
 * exempts networks from the blocked loopback, link-local, metadata … ranges). Host names are checked as they are
 * resolved, by the pools' `lookup`; IP literals, which never go through a lookup, before a pool is made for them.
 */
/** URL getters build their strings on every read; targets are cached per credential, so their parts are too. */
const partsByUrl = new WeakMap<URL, { origin: string; path: string }>();
function urlParts(url: URL): { origin: string; path: string } {
  let parts = partsByUrl.get(url);
  if (!parts) partsByUrl.set(url, (parts = { origin: url.origin, path: url.pathname + url.search }));
  return parts;
}

@Injectable()
export class UpstreamClient implements OnApplicationShutdown {
  private readonly pools = new Map<string, Pool>();
  private readonly logger = new Logger(UpstreamClient.name);
  private readonly lookup: LookupFunction;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.lookup = guardedLookup(config.upstream.allowedNetworks);
  }

  /** Rejects with `GatewayErrors.upstreamBlocked()` when the provider's address is refused by the network policy. */
  async send(
    credentialId: string,
    target: UpstreamTarget,
    body: string | null,
    signal: AbortSignal,
    method: 'POST' | 'GET' | 'DELETE' = 'POST',
  ): Promise<Dispatcher.ResponseData> {
    try {
      const { origin, path } = urlParts(target.url);
      return await this.pool(credentialId, origin, target.url).request({
        method,
        path,
        headers: target.headers,
        body,
        signal,
      });
    } catch (error) {
      // The refusal, from checkLiteralHost or from the lookup through undici's connect; anything else is the relay's.
      if (!(error instanceof UpstreamAddressBlocked)) throw error;
      this.logger.warn(
        `refused to connect to a provider (credential ${credentialId}): ${error.message}; ` +
          'ALLOT_UPSTREAM_ALLOWED_NETWORKS can allow it',
      );
      throw GatewayErrors.upstreamBlocked();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close().catch(() => undefined)));
  }

  private pool(credentialId: string, origin: string, url: URL): Pool {
    const id = `${credentialId}|${origin}`;
    let pool = this.pools.get(id);
    if (!pool) {
      const t = this.config.upstream;
      checkLiteralHost(url.hostname, t.allowedNetworks);
      pool = new Pool(origin, {
        connections: 256,
        keepAliveTimeout: 30_000,
        // undici hands these to net.connect / tls.connect as they are.
        connect: { timeout: t.connectTimeoutMs, lookup: this.lookup },
        headersTimeout: t.firstByteTimeoutMs,
        bodyTimeout: t.idleTimeoutMs,
      });
      this.pools.set(id, pool);
    }
    return pool;
  }
}
