import type { ResolvedKey, ScopedAllocation } from '@allot/allocations';
import type { Admission } from '@allot/billing';
import type { ModelRoute, RouteCredential } from '@allot/catalog';
import type { CallEstimate } from './estimate';

/** What the preflight pipeline establishes about a `/v1` call; filled step by step so rejections are attributed. */
export interface PreflightContext {
  requestId: string;
  startedAt: Date;
  endpoint: string;
  requestedModel?: string;
  key?: ResolvedKey;
  allocation?: ScopedAllocation;
  route?: ModelRoute;
  /** The worst case of the call, computed on first use (quotas, tpm, billing a cut call) and then kept. */
  estimate?: () => CallEstimate;
  /** The call's hold on its quotas and limits; settled with the actual usage when the call ends. */
  admission?: Admission;
  credential?: RouteCredential;
}

/** Complete after preflight passed. */
export type AdmittedCall = Required<PreflightContext>;

declare module 'express-serve-static-core' {
  interface Request {
    allot?: PreflightContext;
  }
}
