import { randomUUID } from 'node:crypto';
import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { PreflightService } from './preflight.service';

export interface V1EndpointOptions {
  /** The endpoint name recorded in the ledger, e.g. `chat.completions`. */
  name: string;
  /** Whether the body names a model that must resolve to an allocation. */
  requiresModel: boolean;
}

export const V1_ENDPOINT = Symbol('V1_ENDPOINT');

/** Declares a `/v1` route; the preflight guard refuses any `/v1` route without it. */
export const V1Endpoint = (options: V1EndpointOptions) => SetMetadata(V1_ENDPOINT, options);

/** Runs the preflight pipeline before every `/v1` handler and leaves its result on `req.allot`. */
@Injectable()
export class PreflightGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly preflight: PreflightService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const options = this.reflector.get<V1EndpointOptions | undefined>(V1_ENDPOINT, context.getHandler());
    if (!options) throw new Error(`internal: ${context.getClass().name}.${context.getHandler().name} is a /v1 route without @V1Endpoint`);
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    req.allot = { requestId: String(res.getHeader('x-request-id') ?? randomUUID()), startedAt: new Date(), endpoint: options.name };
    await this.preflight.admit(req, req.allot, { requiresModel: options.requiresModel });
    return true;
  }
}
