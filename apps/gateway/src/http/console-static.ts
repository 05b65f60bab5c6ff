import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

/** Paths that belong to the API; everything else that asks for HTML gets the console's index.html. */
const API_PATHS = /^\/(api|v1|healthz|readyz|metrics)(\/|$)/;

/**
 * Serves the built console: hashed assets with long caching, and `index.html` for every client-side route
 * (deep links like /invite/<token>) so a reload works.
 */
export function consoleHandlers(dir: string): { handlers: RequestHandler[]; available: boolean } {
  const indexPath = join(dir, 'index.html');
  if (!existsSync(indexPath)) {
    const missing: RequestHandler = (req, res, next) => {
      if (req.method !== 'GET' || API_PATHS.test(req.path)) return next();
      res.status(503).type('text/plain').send('The console is not built. Run `npm run build:console` (npm start does it for you).\n');
    };
    return { handlers: [missing], available: false };
  }
  const index = readFileSync(indexPath);
  const assets = express.static(dir, { index: false, maxAge: '1y', immutable: true, fallthrough: true });
  const fallback = (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || API_PATHS.test(req.path)) return next();
    res.setHeader('cache-control', 'no-cache');
    res.type('html').send(index);
  };
  return { handlers: [(req, res, next) => (API_PATHS.test(req.path) ? next() : assets(req, res, next)), fallback], available: true };
}
