import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

/**
 * Serves the built console to GET and HEAD requests outside the API (the front door sends only those here): hashed
 * assets with long caching, and `index.html` for every client-side route (deep links like /invite/<token>) so a
 * reload works.
 */
export function consoleHandler(dir: string): { handler: RequestHandler; available: boolean } {
  const indexPath = join(dir, 'index.html');
  if (!existsSync(indexPath)) {
    const missing: RequestHandler = (_req, res) => {
      res.status(503).type('text/plain').send('The console is not built. Run `npm run build:console` (npm start does it for you).\n');
    };
    return { handler: missing, available: false };
  }
  const index = readFileSync(indexPath);
  const assets = express.static(dir, { index: false, maxAge: '1y', immutable: true, fallthrough: true });
  const fallback = (_req: Request, res: Response) => {
    res.setHeader('cache-control', 'no-cache');
    res.type('html').send(index);
  };
  return {
    handler: (req: Request, res: Response, next: NextFunction) =>
      assets(req, res, (error?: unknown) => (error ? next(error) : fallback(req, res))),
    available: true,
  };
}
