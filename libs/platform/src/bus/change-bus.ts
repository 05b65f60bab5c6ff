import { EventEmitter } from 'node:events';
import { Client } from 'pg';
import Redis from 'ioredis';
import type { Logger } from 'pino';

/** What changed; listeners drop their cached copies of it. `ids` narrows the change when the publisher knows them. */
export interface ChangeEvent {
  topic: 'keys' | 'allocations' | 'members' | 'catalog' | 'prices';
  ids?: string[];
}

export type ChangeListener = (event: ChangeEvent) => void;

const CHANNEL = 'allot_changes';

/** How change events travel between processes. */
interface Transport {
  start(deliver: (event: ChangeEvent) => void): Promise<void>;
  publish(event: ChangeEvent): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Tells every gateway process that something changed, so hot-path caches are dropped at once instead of at their
 * TTL, and open streams of a paused or revoked allocation are ended. PostgreSQL LISTEN/NOTIFY by default; Redis
 * pub/sub when REDIS_URL is set; in-process only on the embedded database (one process), where the cache TTL is
 * the bound for changes made by a CLI beside the gateway.
 */
export class ChangeBus {
  private readonly local = new EventEmitter();
  private started = false;

  constructor(private readonly transport: Transport) {
    this.local.setMaxListeners(100);
  }

  static create(options: { databaseUrl: string; embedded: boolean; redisUrl: string | undefined; logger: Logger }): ChangeBus {
    if (options.redisUrl) return new ChangeBus(new RedisTransport(options.redisUrl, options.logger));
    if (!options.embedded) return new ChangeBus(new PostgresTransport(options.databaseUrl, options.logger));
    return new ChangeBus(new LocalTransport());
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.transport.start((event) => this.local.emit('change', event));
  }

  on(listener: ChangeListener): () => void {
    this.local.on('change', listener);
    return () => this.local.off('change', listener);
  }

  /** Delivers to this process at once and to the others through the transport. */
  async publish(event: ChangeEvent): Promise<void> {
    this.local.emit('change', event);
    await this.transport.publish(event);
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.transport.stop();
  }
}

/** Events published by this process are already delivered locally; the transports skip their own echo. */
const ORIGIN = `${process.pid}-${Math.random().toString(36).slice(2)}`;
const encode = (event: ChangeEvent) => JSON.stringify({ ...event, origin: ORIGIN });
function decode(text: string): ChangeEvent | undefined {
  try {
    const parsed = JSON.parse(text) as ChangeEvent & { origin?: string };
    if (parsed.origin === ORIGIN) return undefined;
    return { topic: parsed.topic, ...(parsed.ids ? { ids: parsed.ids } : {}) };
  } catch {
    return undefined; // not ours: ignore foreign payloads on the channel
  }
}

class LocalTransport implements Transport {
  async start(): Promise<void> {}
  async publish(): Promise<void> {}
  async stop(): Promise<void> {}
}

class PostgresTransport implements Transport {
  private client: Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
  ) {}

  async start(deliver: (event: ChangeEvent) => void): Promise<void> {
    this.stopped = false;
    await this.connect(deliver);
  }

  async publish(event: ChangeEvent): Promise<void> {
    // A short-lived query on a separate connection: NOTIFY is delivered at commit to every listener.
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      await client.query('SELECT pg_notify($1, $2)', [CHANNEL, encode(event)]);
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
  }

  private async connect(deliver: (event: ChangeEvent) => void): Promise<void> {
    const client = new Client({ connectionString: this.url });
    client.on('notification', (message) => {
      const event = message.payload ? decode(message.payload) : undefined;
      if (event) deliver(event);
    });
    client.on('error', (error) => {
      // The listener connection dropped: caches fall back to their TTL until it is back.
      this.logger.warn({ err: error.message }, 'change bus connection lost; reconnecting');
      this.scheduleReconnect(deliver);
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
  }

  private scheduleReconnect(deliver: (event: ChangeEvent) => void): void {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.connect(deliver).catch(() => this.scheduleReconnect(deliver));
    }, 1000);
  }
}

class RedisTransport implements Transport {
  private subscriber: Redis | undefined;
  private publisher: Redis | undefined;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
  ) {}

  async start(deliver: (event: ChangeEvent) => void): Promise<void> {
    this.subscriber = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: null });
    this.publisher = new Redis(this.url, { lazyConnect: true });
    this.subscriber.on('error', (error: Error) => this.logger.warn({ err: error.message }, 'change bus (redis) error'));
    this.subscriber.on('message', (_channel: string, payload: string) => {
      const event = decode(payload);
      if (event) deliver(event);
    });
    await this.subscriber.connect();
    await this.publisher.connect();
    await this.subscriber.subscribe(CHANNEL);
  }

  async publish(event: ChangeEvent): Promise<void> {
    await this.publisher?.publish(CHANNEL, encode(event));
  }

  async stop(): Promise<void> {
    this.subscriber?.disconnect();
    this.publisher?.disconnect();
  }
}
