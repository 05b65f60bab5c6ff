import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';

/**
 * The Express adapter, with an HTTP server that builds each request and response on Express's own prototypes.
 *
 * Express gives every request and response its prototypes with `Object.setPrototypeOf` as it starts handling them.
 * Changing an object's prototype after it was built costs V8 dearly: it kept every call's objects alive through the
 * next young-generation collection, so each collection promoted megabytes (3 MB at concurrency 1) and paused the
 * process for 4–6 ms instead of under 1. Built on those prototypes from the start, Express's call changes nothing.
 * (HTTPS is not served by the gateway itself: a proxy in front terminates TLS.)
 */
export class ExpressHttpAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    if (options?.httpsOptions || options?.forceCloseConnections) throw new Error('internal: the gateway serves plain HTTP only');
    const app = this.getInstance<Express>();
    this.httpServer = createServer(
      { IncomingMessage: onPrototype(IncomingMessage, app.request), ServerResponse: onPrototype(ServerResponse, app.response) },
      app,
    );
  }
}

/** A constructor that builds `base` objects whose prototype is `prototype` (an object that inherits from base's). */
function onPrototype<T extends typeof IncomingMessage | typeof ServerResponse>(base: T, prototype: object): T {
  function Built(this: object, ...args: unknown[]) {
    (base as unknown as (...a: unknown[]) => void).apply(this, args);
  }
  Built.prototype = prototype;
  return Built as unknown as T;
}
