import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { assignRequestId } from './request-id';

/** Paths that belong to the API (and the probes); everything else a browser GETs is the console's. */
const API_PATHS = /^\/(api|v1|healthz|readyz|metrics)(\/|$)/;

/**
 * The one middleware in front of the routes: a request id for every response, then the console for a browser's GET
 * of a non-API path, the JSON body parser for everything else. One middleware rather than three, since each the
 * router walks costs every API call its matching and bookkeeping.
 */
export function frontDoor(parseJson: RequestHandler, serveConsole: RequestHandler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    assignRequestId(req, res);
    if ((req.method === 'GET' || req.method === 'HEAD') && !API_PATHS.test(req.path)) serveConsole(req, res, next);
    else parseJson(req, res, next);
  };
}
