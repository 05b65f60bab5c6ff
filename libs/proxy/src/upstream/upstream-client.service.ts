import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Pool, type Dispatcher } from 'undici';
import { APP_CONFIG, type AppConfig } from '@allot/platform';
import type { UpstreamTarget } from '../adapters/provider-adapter';

/**
 * Keep-alive connection pools, one per credential and origin, with connect / first-byte / idle timeouts.
 * undici never follows redirects unless asked, which is what a gateway wants.
 */
@Injectable()
export class UpstreamClient implements OnApplicationShutdown {
  private readonly pools = new Map<string, Pool>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  send(credentialId: string, target: UpstreamTarget, body: string, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    return this.pool(credentialId, target.url.origin).request({
      method: 'POST',
      path: target.url.pathname + target.url.search,
      headers: { ...target.headers, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body,
      signal,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close().catch(() => undefined)));
  }

  private pool(credentialId: string, origin: string): Pool {
    const id = `${credentialId}|${origin}`;
    let pool = this.pools.get(id);
    if (!pool) {
      const t = this.config.upstream;
      pool = new Pool(origin, {
        connections: 256,
        keepAliveTimeout: 30_000,
        connect: { timeout: t.connectTimeoutMs },
        headersTimeout: t.firstByteTimeoutMs,
        bodyTimeout: t.idleTimeoutMs,
      });
      this.pools.set(id, pool);
    }
    return pool;
  }
}
