import type { ResolvedKey, ScopedAllocation } from '@allot/allocations';
import type { ModelRoute, RouteCredential } from '@allot/catalog';

/** What the preflight pipeline establishes about a `/v1` call; filled step by step so rejections are attributed. */
export interface PreflightContext {
  requestId: string;
  startedAt: Date;
  endpoint: string;
  requestedModel?: string;
  key?: ResolvedKey;
  allocation?: ScopedAllocation;
  route?: ModelRoute;
  credential?: RouteCredential;
}

/** Complete after preflight passed. */
export type AdmittedCall = Required<Omit<PreflightContext, 'requestedModel'>> & { requestedModel: string };

declare module 'express-serve-static-core' {
  interface Request {
    allot?: PreflightContext;
  }
}
