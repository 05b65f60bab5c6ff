import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request as a fake provider received it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  /** The body exactly as it arrived, to check byte-identical forwarding. */
  raw: string;
}

/**
 * What every fake provider shares: a loopback server, the requests it received, how many the gateway abandoned, and
 * per-request scripts (one per request, in order; later requests get the default answer). Subclasses answer in their
 * provider's wire.
 */
export abstract class ScriptedFake<S extends object> {
  readonly received: ReceivedRequest[] = [];
  /** Requests whose client (the gateway) closed the connection before the answer was complete. */
  aborted = 0;
  url = '';
  private readonly queue: S[] = [];
  private server!: Server;
  private readonly sockets = new Set<Socket>();

  /** Scripts the next requests, one script each; later requests get the default answer. */
  script(...scripts: S[]): void {
    this.queue.push(...scripts);
  }

  /** Drops scripts no request consumed. */
  clearScripts(): void {
    this.queue.length = 0;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  protected abstract handle(req: IncomingMessage, res: ServerResponse): Promise<void>;

  /** Reads and records the request, and counts it as abandoned if the client leaves before the answer ends. */
  protected async receive(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<{ body: Record<string, unknown>; raw: string; malformed: boolean }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> = {};
    let malformed = false;
    try {
      body = JSON.parse(raw || '{}') as Record<string, unknown>;
    } catch {
      malformed = true;
    }
    this.received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, raw });
    res.on('close', () => {
      if (!res.writableFinished) this.aborted++;
    });
    return { body, raw, malformed };
  }

  /** The next request's script, or an empty one. */
  protected nextScript(): Partial<S> {
    return this.queue.shift() ?? {};
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Splits by code point, so a piece (a delta or a stream chunk) never splits a character. */
export const pieces = (text: string, size: number) => {
  const chars = Array.from(text);
  return Array.from({ length: Math.max(1, Math.ceil(chars.length / size)) }, (_, i) => chars.slice(i * size, i * size + size).join(''));
};
