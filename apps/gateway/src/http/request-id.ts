import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';

const ACCEPTABLE = /^[A-Za-z0-9._:-]{8,64}$/;

/** Every response carries `x-request-id`: the caller's when it is sane, a new one otherwise. */
export function assignRequestId(req: Request, res: Response): void {
  const given = req.headers['x-request-id'];
  res.setHeader('x-request-id', typeof given === 'string' && ACCEPTABLE.test(given) ? given : randomUUID());
}
